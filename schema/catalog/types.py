"""GraphQL types of the catalogue: Book, Author, Genre, Series, contributions, rating summary."""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from asgiref.sync import sync_to_async
from django.db.models import Exists, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Collate
from graphql import GraphQLError
from strawberry import relay
from strawberry_django.relay import resolve_model_nodes

from apps.accounts.models import TokenViewer
from apps.catalog import models, selectors
from apps.catalog.services_common import catalog_editors
from apps.core.errors import ErrorCode, ServiceError
from apps.impressions.models import Quote
from apps.impressions.quotes import book_quotes
from apps.reading.models import Rating, Review, UserBook
from schema.catalog.edition_types import EditionFilter, EditionType
from schema.catalog.loaders import (
    BookByIdLoader,
    BooksBySeriesIdLoader,
    ChildGenresByGenreIdLoader,
    ContributionsByBookIdLoader,
    DefaultEditionByBookIdLoader,
    GenreByIdLoader,
    GenresByBookIdLoader,
    RatingHistogramByBookIdLoader,
    SeriesByIdLoader,
    ViewerCanEditCatalogLoader,
    ViewerRatingByBookIdLoader,
    ViewerUserBookByBookIdLoader,
)
from schema.compiled.forms import Expr, Raw, Rows, sql
from schema.context import Info
from schema.discovery.loaders import SimilarBookIdsByBookIdLoader
from schema.enums import AuthorRoleEnum, BookFormatEnum, ReadingStatusEnum
from schema.fields import PkId, connection, model_field
from schema.media.fields import cover_url, photo_url
from schema.pagination import CursorConnection

if TYPE_CHECKING:
    from schema.impressions.traits import BookTraits
    from schema.impressions.types import QuoteType
    from schema.reading.types import RatingType, ReviewType, UserBookType

EDITION = "See `defaultEdition` (and `editions`): this describes the default edition."
RatingTypeRef = Annotated["RatingType", strawberry.lazy("schema.reading.types")]
ReviewTypeRef = Annotated["ReviewType", strawberry.lazy("schema.reading.types")]
UserBookTypeRef = Annotated["UserBookType", strawberry.lazy("schema.reading.types")]
QuoteTypeRef = Annotated["QuoteType", strawberry.lazy("schema.impressions.types")]
BookTraitsRef = Annotated["BookTraits", strawberry.lazy("schema.impressions.traits")]


@strawberry.enum(description="How to order a book's quotes.")
class QuoteOrder(Enum):
    POPULAR = strawberry.enum_value(
        "popular", description="Most liked first (quotes cannot be liked yet: newest first)."
    )
    NEWEST = strawberry.enum_value("newest", description="Newest first.")


async def _resolve_current(current, type_name: str, node_ids, required: bool) -> list:
    """`node`/`nodes` resolution that follows merges (see `apps.catalog.selectors`)."""
    ids = [int(i) if str(i).isdigit() else None for i in node_ids]
    found = await sync_to_async(current)([i for i in ids if i is not None])
    nodes = [found.get(i) if i is not None else None for i in ids]
    if required and None in nodes:
        raise GraphQLError(
            f"No {type_name} with this id.", extensions={"code": ErrorCode.NOT_FOUND.value}
        )
    return nodes


_all_nodes = strawberry_django.django_resolver(resolve_model_nodes)


async def _first(nodes):
    return (await nodes)[0]


def _series_books(series_id: int) -> QuerySet[models.Book]:
    return models.Book.objects.filter(series_id=series_id).order_by(*selectors.SERIES_ORDER)


def _contributions(book_id: int) -> QuerySet[models.BookAuthor]:
    return models.BookAuthor.objects.filter(book_id=book_id).order_by("position", "id")


def _authors(book_id: int) -> QuerySet[models.Author]:
    """The authors of a book in byline order (one join, filtered and ordered by)."""
    return models.Author.objects.filter(
        contributions__book_id=book_id, contributions__role=models.AuthorRole.AUTHOR
    ).order_by("contributions__position", "contributions__id")


def _genres(book_id: int) -> QuerySet[models.Genre]:
    # By code point, as the loader sorts them in Python.
    return models.Genre.objects.filter(books=book_id).order_by(Collate("name", "C"), "id")


def _default_edition(book_id: int) -> QuerySet[models.Edition]:
    return models.Edition.objects.filter(book_id=book_id, is_default=True)


def _viewer_shelf(book_id, viewer) -> QuerySet[UserBook]:
    return UserBook.objects.filter(book_id=book_id, user_id=viewer.pk)


def _viewer_edits_catalog(viewer) -> Exists | Value:
    if isinstance(viewer, TokenViewer):  # under a personal access token: never
        return Value(False)
    return Exists(catalog_editors().filter(pk=viewer.pk))


# Every bucket from 0.5 to 5 (zeros included), the count and the mean rounded to 2 places.
RATING_SUMMARY = Raw(
    "(SELECT json_build_object('average', coalesce(round(sum(h.v * h.n) / nullif(sum(h.n), 0), "
    "2), 0), 'count', sum(h.n), 'histogram', json_agg(json_build_object('value', h.v, "
    "'count', h.n) ORDER BY h.v)) FROM (SELECT b.v, count(r.value) AS n "
    "FROM generate_series(0.5, 5.0, 0.5) b(v) LEFT JOIN reading_rating r "
    "ON r.book_id = {pk} AND r.value = b.v GROUP BY b.v) h)",
    columns=("pk",),
)


@strawberry_django.type(models.Genre, name="Genre")
class GenreType(PkId, relay.Node):
    """A genre or subject of books; genres form a tree (“Fiction” › “Fantasy”)."""

    name: str = model_field(description="Display name, e.g. “Science fiction”.")
    slug: str = model_field(description="URL-safe unique key, e.g. `science-fiction`.")
    description: str = model_field(description="What the genre covers.")

    @sql(Rows(lambda row, viewer: models.Genre.objects.filter(pk=row.parent_id)))
    @strawberry_django.field(description="The broader genre, if any.")
    async def parent(
        self, info: Info
    ) -> Annotated["GenreType", strawberry.lazy("schema.catalog.types")] | None:
        if self.parent_id is None:
            return None
        return await info.context.loaders.get(GenreByIdLoader).load(self.parent_id)

    @sql(
        Rows(
            lambda row, viewer: models.Genre.objects.filter(parent_id=row.pk).order_by(
                "name", "id"
            ),
            many=True,
        )
    )
    @strawberry_django.field(description="Narrower genres, by name.")
    async def children(
        self, info: Info
    ) -> list[Annotated["GenreType", strawberry.lazy("schema.catalog.types")]]:
        return await info.context.loaders.get(ChildGenresByGenreIdLoader).load(self.pk)

    @connection(
        CursorConnection[Annotated["BookType", strawberry.lazy("schema.catalog.types")]],
        description="Books in this genre or any genre below it, most rated first.",
    )
    def books(self) -> QuerySet[models.Book]:
        return selectors.filter_books(
            genre_id=self.pk, order=selectors.BookOrderField.RATINGS_COUNT
        )


@strawberry_django.type(models.Author, name="Author")
class AuthorType(PkId, relay.Node):
    """A person credited on books (author, translator, illustrator, editor or narrator)."""

    name: str = model_field(description="Name as credited.")
    sort_name: str = model_field(description="Name for sorting, “Last, First”.")
    bio: str = model_field(description="Short biography.")
    birth_year: int | None = model_field(description="Year of birth (negative: BCE).")
    death_year: int | None = model_field(description="Year of death (negative: BCE).")
    openlibrary_id: str = model_field(description="Open Library author key, or empty.")
    goodreads_id: str = model_field(description="Goodreads author id, or empty.")
    wikidata_id: str = model_field(description="Wikidata item id, or empty.")
    photo_url: str | None = photo_url()

    @sql(Expr(_viewer_edits_catalog))
    @strawberry_django.field(
        description="Whether the viewer may edit this author (librarians and staff)."
    )
    async def can_edit(self, info: Info) -> bool:
        return await info.context.loaders.get(ViewerCanEditCatalogLoader).load("catalog")

    @connection(
        CursorConnection[Annotated["BookType", strawberry.lazy("schema.catalog.types")]],
        description="Books this person is credited on (any role), oldest first; books without "
        "a known year last.",
    )
    def books(self) -> QuerySet[models.Book]:
        return selectors.books_of_author(self.pk)

    @classmethod
    def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str] | None = None, required: bool = False
    ):
        """Authors by id; the id of an author merged into another gives the survivor."""
        if node_ids is None:  # every author: strawberry-django's own resolution
            return _all_nodes(cls, info=info, required=required)
        return _resolve_current(selectors.current_authors, "Author", node_ids, required)

    @classmethod
    def resolve_node(cls, node_id: str, *, info: Info, required: bool = False):
        return _first(cls.resolve_nodes(info=info, node_ids=[node_id], required=required))


@strawberry_django.type(models.Series, name="Series")
class SeriesType(PkId, relay.Node):
    """A series of books, e.g. “The Hunger Games”."""

    name: str = model_field(description="Name of the series.")
    description: str = model_field(description="About the series.")

    @sql(Rows(lambda row, viewer: _series_books(row.pk), many=True))
    @strawberry_django.field(
        description="Books of the series in reading order (books without a place last)."
    )
    async def books(
        self, info: Info
    ) -> list[Annotated["BookType", strawberry.lazy("schema.catalog.types")]]:
        return await info.context.loaders.get(BooksBySeriesIdLoader).load(self.pk)


@strawberry_django.type(models.BookAuthor, name="Contribution")
class ContributionType:
    """One person's credit on a book, with their role."""

    role: AuthorRoleEnum = model_field(description="What they did for the book.")
    position: int = model_field(description="Place in the byline, from 0.")

    @sql(Rows(lambda row, viewer: models.Author.objects.filter(pk=row.author_id)))
    @strawberry.field(description="Who.")
    def author(self) -> AuthorType:
        return self.author  # selected with the contribution by its loader


@strawberry.type(description="How many ratings of one value a book has.")
class RatingBucket:
    value: float = strawberry.field(description="Stars, 0.5 to 5.")
    count: int = strawberry.field(description="Number of ratings of this value.")


@strawberry.type(description="A book's ratings at a glance: average, count and histogram.")
class RatingSummary:
    average: float = strawberry.field(description="Mean rating, 0 when unrated (2 decimals).")
    count: int = strawberry.field(description="Number of ratings.")
    histogram: list[RatingBucket] = strawberry.field(
        description="One bucket per value from 0.5 to 5, in that order, zeros included."
    )


@strawberry_django.type(models.Book, name="Book")
class BookType(PkId, relay.Node):
    """A book in the shared catalogue."""

    title: str = model_field(description="Title, without the series.")
    original_title: str = model_field(
        description="Title in the original language when it differs (e.g. “Cien años de "
        "soledad”), or empty."
    )
    subtitle: str = model_field(description="Subtitle, or empty.", deprecation_reason=EDITION)
    description: str = model_field(description="Publisher's or librarian's summary.")
    language: str = model_field(
        description="BCP 47 language tag, e.g. `en`.", deprecation_reason=EDITION
    )
    pages: int | None = model_field(
        description="Number of pages, when known.", deprecation_reason=EDITION
    )
    publisher: str = model_field(description="Publisher, or empty.", deprecation_reason=EDITION)
    format: BookFormatEnum = model_field(
        description="Hardcover, e-book …", deprecation_reason=EDITION
    )
    publication_year: int | None = model_field(
        description="Year of this edition.", deprecation_reason=EDITION
    )
    original_publication_year: int | None = model_field(
        description="Year of first publication (negative: BCE)."
    )
    isbn10: str = model_field(description="ISBN-10, or empty.", deprecation_reason=EDITION)
    isbn13: str = model_field(description="ISBN-13, or empty.", deprecation_reason=EDITION)
    openlibrary_id: str = model_field(description="Open Library edition key, or empty.")
    openlibrary_work_id: str = model_field(description="Open Library work key, or empty.")
    goodreads_id: str = model_field(description="Goodreads book id, or empty.")
    series_position: Decimal | None = model_field(
        description="Place in its series (1, 2, 2.5 …), when in one."
    )
    average_rating: float = model_field(
        description="Mean of BookNest readers' ratings, 0 when unrated."
    )
    ratings_count: int = model_field(description="Number of BookNest ratings.")
    created_at: datetime = model_field(description="When the book was added.")
    cover_url: str | None = cover_url()

    @sql(Expr(_viewer_edits_catalog))
    @strawberry_django.field(
        description="Whether the viewer may edit this book (librarians and staff)."
    )
    async def can_edit(self, info: Info) -> bool:
        return await info.context.loaders.get(ViewerCanEditCatalogLoader).load("catalog")

    @sql(Rows(lambda row, viewer: models.Series.objects.filter(pk=row.series_id)))
    @strawberry_django.field(description="The series, when the book is in one.")
    async def series(self, info: Info) -> SeriesType | None:
        if self.series_id is None:
            return None
        return await info.context.loaders.get(SeriesByIdLoader).load(self.series_id)

    @sql(Rows(lambda row, viewer: _contributions(row.pk), many=True))
    @strawberry_django.field(description="Everyone credited, with their role, in byline order.")
    async def contributors(self, info: Info) -> list[ContributionType]:
        return await info.context.loaders.get(ContributionsByBookIdLoader).load(self.pk)

    @sql(Rows(lambda row, viewer: _authors(row.pk), many=True))
    @strawberry_django.field(description="The authors (role “author”), in byline order.")
    async def authors(self, info: Info) -> list[AuthorType]:
        contributions = await info.context.loaders.get(ContributionsByBookIdLoader).load(self.pk)
        return [c.author for c in contributions if c.role == models.AuthorRole.AUTHOR]

    @sql(Rows(lambda row, viewer: _genres(row.pk), many=True))
    @strawberry_django.field(description="Genres of the book, by name.")
    async def genres(self, info: Info) -> list[GenreType]:
        return await info.context.loaders.get(GenresByBookIdLoader).load(self.pk)

    @sql(RATING_SUMMARY)
    @strawberry_django.field(description="Average, count and histogram of readers' ratings.")
    async def rating_summary(self, info: Info) -> RatingSummary:
        histogram = await info.context.loaders.get(RatingHistogramByBookIdLoader).load(self.pk)
        count = sum(histogram.values())
        total = sum(value * n for value, n in histogram.items())
        average = round(float(total / count), 2) if count else 0.0
        buckets = [RatingBucket(value=float(v), count=n) for v, n in histogram.items()]
        return RatingSummary(average=average, count=count, histogram=buckets)

    @sql(Rows(lambda row, viewer: Rating.objects.filter(book_id=row.pk, user_id=viewer.pk)))
    @strawberry_django.field(description="The viewer's rating of this book; null when unrated.")
    async def viewer_rating(self, info: Info) -> RatingTypeRef | None:
        return await info.context.loaders.get(ViewerRatingByBookIdLoader).load(self.pk)

    @sql(Expr(lambda viewer: Subquery(_viewer_shelf(OuterRef("pk"), viewer).values("status"))))
    @strawberry_django.field(description="The viewer's shelf for this book; null when not shelved.")
    async def viewer_status(self, info: Info) -> ReadingStatusEnum | None:
        entry = await info.context.loaders.get(ViewerUserBookByBookIdLoader).load(self.pk)
        return entry.status if entry else None

    @sql(Rows(lambda row, viewer: _viewer_shelf(row.pk, viewer)))
    @strawberry_django.field(
        description="The viewer's shelf entry (status, dates, progress); null when not shelved."
    )
    async def viewer_shelf(self, info: Info) -> UserBookTypeRef | None:
        return await info.context.loaders.get(ViewerUserBookByBookIdLoader).load(self.pk)

    @strawberry_django.field(
        description="Readers also enjoyed: books liked by the readers who liked this one, "
        "most similar first (precomputed by `compute_neighbours`; empty until then)."
    )
    async def similar_books(
        self,
        info: Info,
        first: Annotated[int, strawberry.argument(description="How many, 1 to 50.")] = 10,
    ) -> list[Annotated["BookType", strawberry.lazy("schema.catalog.types")]]:
        ids = await info.context.loaders.get(SimilarBookIdsByBookIdLoader).load(self.pk)
        books = await info.context.loaders.get(BookByIdLoader).load_many(ids[: max(first, 0)])
        return [book for book in books if book is not None]

    @sql(Rows(lambda row, viewer: _default_edition(row.pk)))
    @strawberry_django.field(
        description="The edition shown when the reader chose none; null only for a book "
        "without editions."
    )
    async def default_edition(self, info: Info) -> EditionType | None:
        return await info.context.loaders.get(DefaultEditionByBookIdLoader).load(self.pk)

    @connection(
        CursorConnection[EditionType],
        description="The book's editions in the order they were added (`defaultEdition` and "
        "`Edition.isDefault` say which is the default).",
    )
    async def editions(
        self,
        edition_filter: Annotated[
            EditionFilter | None,
            strawberry.argument(name="filter", description="Which editions; all when left out."),
        ] = None,
    ) -> QuerySet[models.Edition]:
        try:
            return selectors.book_editions(
                self.pk,
                format=None if edition_filter is None else edition_filter.format,
                language=None if edition_filter is None else edition_filter.language,
            )
        except ServiceError as exc:
            first = exc.errors[0]
            raise GraphQLError(
                first.message,
                extensions={"code": first.code.value, "field": "filter.language"},
            ) from None

    @classmethod
    def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str] | None = None, required: bool = False
    ):
        """Books by id; the id of a book merged into another gives the survivor."""
        if node_ids is None:  # every book: strawberry-django's own resolution
            return _all_nodes(cls, info=info, required=required)
        return _resolve_current(selectors.current_books, "Book", node_ids, required)

    @classmethod
    def resolve_node(cls, node_id: str, *, info: Info, required: bool = False):
        return _first(cls.resolve_nodes(info=info, node_ids=[node_id], required=required))

    @connection(
        CursorConnection[ReviewTypeRef],
        description="Reviews of this book the viewer may see, newest first.",
    )
    async def reviews(self, info: Info) -> QuerySet[Review]:
        # `async` although it reads nothing: a sync resolver would cost a thread hop just to
        # build the queryset (strawberry-django runs sync resolvers in a thread under ASGI).
        # Visibility: `ReviewType.get_queryset` narrows every list of reviews (no filter here).
        return (
            Review.objects.filter(book_id=self.pk)
            # The reviewers and their profiles come with the page: no loader trips for them.
            .select_related("user__profile")
            .order_by("-created_at", "-id")
        )

    @connection(
        CursorConnection[QuoteTypeRef],
        description="Quotes readers kept from this book that the viewer may see.",
    )
    async def quotes(
        self,
        info: Info,
        quote_order: Annotated[
            QuoteOrder,
            strawberry.argument(name="order", description="Order; NEWEST when left out."),
        ] = QuoteOrder.NEWEST,
    ) -> QuerySet[Quote]:
        # Visibility: `QuoteType.get_queryset` narrows every list of quotes.
        return book_quotes(self.pk, quote_order.value)

    @sql(Rows(lambda row, viewer: models.Book.objects.filter(pk=row.pk)))
    @strawberry.field(
        description="How the book feels to its readers: moods, pace, plot or character, "
        "content warnings, counted from every reader's tags (`setBookTraits`)."
    )
    def traits(self) -> BookTraitsRef:
        return self
