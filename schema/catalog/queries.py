"""Catalogue queries: books (one, or a filtered and ordered page), authors, genres and series.

Ids of books and authors merged into another keep working: they resolve to the survivor.
"""

from decimal import Decimal
from typing import Annotated

import strawberry
import strawberry_django
from django.db.models import Q, QuerySet, Subquery
from graphql import GraphQLError
from strawberry import relay
from strawberry.utils.str_converters import to_camel_case

from apps.catalog import isbn as isbn_utils
from apps.catalog import selectors
from apps.catalog.models import (
    Author,
    AuthorRedirect,
    Book,
    BookRedirect,
    Edition,
    Genre,
    Series,
)
from apps.core.errors import ErrorCode, ServiceError
from apps.impressions.traits import filter_books_by_traits
from schema.catalog.edition_types import EditionType
from schema.catalog.inputs import BookFilter, BookOrder, OrderDirection
from schema.catalog.types import AuthorType, BookType, GenreType, SeriesType
from schema.compiled.forms import Root, sql
from schema.context import Info
from schema.fields import connection
from schema.pagination import CursorConnection


def arg(description: str):
    return strawberry.argument(description=description)


def invalid(message: str, field: str | None = None) -> GraphQLError:
    """A read refused for bad arguments: a top-level error with code INVALID (and the field)."""
    extensions = {"code": ErrorCode.INVALID.value}
    if field:
        extensions["field"] = field
    return GraphQLError(message, extensions=extensions)


def refused(exc: ServiceError, prefix: str = "") -> GraphQLError:
    first = exc.errors[0]
    field = f"{prefix}{to_camel_case(first.field)}" if first.field else None
    return invalid(" ".join(error.message for error in exc.errors), field)


def database_id(global_id: relay.GlobalID | None, type_name: str, field: str) -> int | None:
    """The database id of a global id of `type_name`; INVALID for another type or garbage."""
    if global_id is None:
        return None
    if global_id.type_name != type_name or not str(global_id.node_id).isdigit():
        raise invalid(f"`{field}` must be the id of a {type_name}.", field)
    return int(global_id.node_id)


def _filtered_books(filter: BookFilter | None, order: BookOrder | None) -> QuerySet[Book]:
    filter = filter or BookFilter()
    order = order or BookOrder()
    descending = None if order.direction is None else order.direction == OrderDirection.DESC
    try:
        books = selectors.filter_books(
            genre_slug=filter.genre,
            genre_id=database_id(filter.genre_id, "Genre", "filter.genreId"),
            author_id=database_id(filter.author_id, "Author", "filter.authorId"),
            language=filter.language,
            year_from=filter.year_from,
            year_to=filter.year_to,
            min_rating=None if filter.min_rating is None else Decimal(str(filter.min_rating)),
            order=selectors.BookOrderField(order.field.value),
            descending=descending,
        )
    except ServiceError as exc:
        raise refused(exc, "filter.") from None
    if filter.moods or filter.pace or filter.exclude_content_warnings:
        books = filter_books_by_traits(
            books,
            moods=[mood.value for mood in filter.moods or ()],
            pace=filter.pace.value if filter.pace else None,
            exclude_warnings=filter.exclude_content_warnings or (),
        )
    return books


def _current(model, redirects, pk: int) -> QuerySet:
    """The row `pk`, or the row it was merged into.

    Two equalities (`id = pk OR id = (the redirect's target)`), each answered by the primary
    key's index: `id IN (SELECT …)` made PostgreSQL scan the whole table."""
    target = redirects._meta.get_field(model._meta.model_name).attname
    merged_into = Subquery(redirects.objects.filter(old_id=pk).values(target)[:1])
    return model.objects.filter(Q(pk=pk) | Q(pk=merged_into))


def _pk(global_id: relay.GlobalID | None, type_name: str) -> int | None:
    if global_id is None or global_id.type_name != type_name or not global_id.node_id.isdigit():
        return None
    return int(global_id.node_id)


def book_rows(viewer, id: relay.GlobalID | None = None, isbn: str | None = None) -> QuerySet:
    """`book(id | isbn)`: the book, following merges (empty when there is none)."""
    if id is not None and isbn is not None:
        raise invalid("Give `id` or `isbn`, not both.", "id")
    if id is not None:
        pk = _pk(id, "Book")
        return Book.objects.none() if pk is None else _current(Book, BookRedirect, pk)
    if isbn is not None:
        _, isbn13 = isbn_utils.normalize(isbn)
        if isbn13:
            # Through any of its editions (or its own ISBN, for a book saved without editions).
            editions = Edition.objects.filter(isbn13=isbn13).values("book_id")
            return Book.objects.filter(Q(pk__in=editions) | Q(isbn13=isbn13)).order_by("pk")
    return Book.objects.none()


def edition_rows(viewer, isbn: str) -> QuerySet:
    """`edition(isbn)`: the edition with this ISBN-10/13 (empty when there is none)."""
    _, isbn13 = isbn_utils.normalize(isbn)
    return Edition.objects.filter(isbn13=isbn13) if isbn13 else Edition.objects.none()


def author_rows(viewer, id: relay.GlobalID) -> QuerySet:
    pk = _pk(id, "Author")
    return Author.objects.none() if pk is None else _current(Author, AuthorRedirect, pk)


@strawberry.type
class CatalogQuery:
    @sql(Root(book_rows))
    @strawberry_django.field(
        description="One book, by its global `id` or by an ISBN-10/ISBN-13 (hyphens allowed). "
        "Null when there is no such book. The id of a book merged into another gives the "
        "book it was merged into."
    )
    async def book(
        self,
        info: Info,
        id: Annotated[relay.GlobalID | None, arg("The book's global id.")] = None,
        isbn: Annotated[str | None, arg("An ISBN-10 or ISBN-13, in any spelling.")] = None,
    ) -> BookType | None:
        return await book_rows(info.context.user, id, isbn).afirst()

    @sql(Root(edition_rows))
    @strawberry_django.field(
        description="One edition by its ISBN-10 or ISBN-13 (hyphens allowed); null when no "
        "edition has it. Its `book` is the work."
    )
    async def edition(
        self,
        info: Info,
        isbn: Annotated[str, arg("An ISBN-10 or ISBN-13, in any spelling.")],
    ) -> EditionType | None:
        return await edition_rows(info.context.user, isbn).afirst()

    @connection(
        CursorConnection[BookType],
        description="Books of the catalogue, filtered and ordered (by title unless told "
        "otherwise), paginated with stable keyset cursors. A year range that ends before it "
        "starts, or a minimum rating outside 0–5, is an INVALID error.",
    )
    def books(
        self,
        # Not named `order` in Python: strawberry-django would apply it as its own ordering.
        book_filter: Annotated[
            BookFilter | None,
            strawberry.argument(name="filter", description="Which books; all when left out."),
        ] = None,
        book_order: Annotated[
            BookOrder | None,
            strawberry.argument(
                name="order", description="Sort order; by title (A→Z) when left out."
            ),
        ] = None,
    ) -> QuerySet[Book]:
        return _filtered_books(book_filter, book_order)

    @sql(Root(author_rows))
    @strawberry_django.field(
        description="One author by global id; null when there is none. The id of an author "
        "merged into another gives the author it was merged into."
    )
    async def author(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, arg("The author's global id.")],
    ) -> AuthorType | None:
        return await author_rows(info.context.user, id).afirst()

    @connection(
        CursorConnection[AuthorType],
        description="Authors by sort name (“Le Guin, Ursula K.”), paginated with cursors.",
    )
    def authors(
        self,
        search: Annotated[
            str | None,
            arg(
                "Part of the name, ignoring case, accents and punctuation "
                "(“bronte” finds “Charlotte Brontë”); all authors when left out."
            ),
        ] = None,
    ) -> QuerySet[Author]:
        try:
            return selectors.search_authors(search)
        except ServiceError as exc:
            raise refused(exc) from None

    @sql(Root(lambda viewer: Genre.objects.order_by("name", "id"), many=True))
    @strawberry_django.field(
        description="Every genre, by name. Use `parent` and `children` to show them as a tree."
    )
    async def genres(self) -> list[GenreType]:
        return [genre async for genre in Genre.objects.order_by("name", "id")]

    @sql(Root(lambda viewer, slug: Genre.objects.filter(slug=slug)))
    @strawberry_django.field(description="One genre by its slug; null when there is none.")
    async def genre(
        self, slug: Annotated[str, arg("The genre's slug, e.g. `fantasy`.")]
    ) -> GenreType | None:
        return await Genre.objects.filter(slug=slug).afirst()

    @sql(Root(lambda viewer, id: Series.objects.filter(pk=_pk(id, "Series"))))
    @strawberry_django.field(description="One series by global id; null when there is none.")
    async def series(
        self, id: Annotated[relay.GlobalID, arg("The series' global id.")]
    ) -> SeriesType | None:
        pk = _pk(id, "Series")
        return None if pk is None else await Series.objects.filter(pk=pk).afirst()
