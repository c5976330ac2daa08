"""Read-side queries of the catalogue: filtered, ordered book lists, author search, genre trees,
and ids that survive merges (a merged-away id resolves to the book or author it was merged into).

Every list is ordered with `id` as the last key, so keyset cursors over it are stable.
"""

from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum

from django.db.models import F, OrderBy, Q, QuerySet
from django.db.models.functions import Lower

from apps.catalog.models import (
    Author,
    AuthorRedirect,
    Book,
    BookAuthor,
    BookRedirect,
    Edition,
    Genre,
)
from apps.core.errors import ErrorCode, FieldError, Invalid
from apps.core.text import name_key
from apps.core.validation import clean_text
from booknest.internals.prepared import PreparedById

MIN_RATING, MAX_RATING = Decimal("0"), Decimal("5")
MAX_ID = 2**63 - 1

# A series' books in reading order: place, then year, then id (unknowns last).
SERIES_ORDER = (
    F("series_position").asc(nulls_last=True),
    F("original_publication_year").asc(nulls_last=True),
    "id",
)


class BookOrderField(StrEnum):
    TITLE = "title"
    PUBLICATION_YEAR = "publication_year"
    AVERAGE_RATING = "average_rating"
    RATINGS_COUNT = "ratings_count"
    RECENTLY_ADDED = "recently_added"


# Each order's key and its natural direction (True: descending). In the natural direction ties
# are broken by id ascending; the other direction is the exact reverse (id descending), so each
# order is one scan of its index (`book_title_lower`, `book_year`, `book_avg_rating` …) either
# way. Unknown years always come last.
_ORDER_KEYS = {
    BookOrderField.TITLE: (Lower("title"), False),
    BookOrderField.PUBLICATION_YEAR: (F("original_publication_year"), False),
    BookOrderField.AVERAGE_RATING: (F("average_rating"), True),
    BookOrderField.RATINGS_COUNT: (F("ratings_count"), True),
    BookOrderField.RECENTLY_ADDED: (F("created_at"), True),
}


def default_descending(field: BookOrderField) -> bool:
    """Whether `field` sorts descending when no direction is given (ratings, recency: yes)."""
    return _ORDER_KEYS[field][1]


def book_ordering(field: BookOrderField, descending: bool | None = None) -> list[OrderBy]:
    """`order_by` arguments for `field` in the given direction (its natural one when None)."""
    key, natural = _ORDER_KEYS[field]
    if descending is None:
        descending = natural
    # nulls_last explicitly: SQLite and PostgreSQL disagree on where NULLs go otherwise, and
    # the keyset cursors must know (strawberry-django reads `nulls_first` off the OrderBy).
    primary = key.desc(nulls_last=True) if descending else key.asc(nulls_last=True)
    tie = F("id").asc() if descending == natural else F("id").desc()
    return [primary, tie]


def genre_subtree_ids(
    genre_ids: Iterable[int] = (), slugs: Iterable[str] = (), *, include_subgenres: bool = True
) -> set[int]:
    """The genres named (by id or slug) and, by default, every genre below them.

    One query over the whole genre table: it is small, and a tree walk in SQL would need a
    recursive query per level or per backend.
    """
    children: dict[int | None, list[int]] = {}
    roots = set(genre_ids)
    wanted_slugs = set(slugs)
    for genre_id, parent_id, slug in Genre.objects.values_list("id", "parent_id", "slug"):
        children.setdefault(parent_id, []).append(genre_id)
        if slug in wanted_slugs:
            roots.add(genre_id)
    if not include_subgenres:
        return {genre_id for ids in children.values() for genre_id in ids if genre_id in roots}
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        genre_id = stack.pop()
        if genre_id in seen:
            continue  # a cycle made through the admin must not loop forever
        seen.add(genre_id)
        stack.extend(children.get(genre_id, []))
    # Ids that name no genre must not match books (their rows may appear later).
    known = {genre_id for ids in children.values() for genre_id in ids}
    return seen & known


def books_in_genres(genre_ids: Iterable[int]) -> Q:
    through = Book.genres.through.objects.filter(genre_id__in=list(genre_ids))
    return Q(pk__in=through.values("book_id"))


def filter_books(
    *,
    genre_slug: str | None = None,
    genre_id: int | None = None,
    include_subgenres: bool = True,
    author_id: int | None = None,
    language: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    min_rating: Decimal | None = None,
    order: BookOrderField = BookOrderField.TITLE,
    descending: bool | None = None,
) -> QuerySet[Book]:
    """Books matching every given filter, ordered by `order` then id (stable keyset cursors).

    - `genre_slug` / `genre_id`: books in the genre, and (by default) in any genre below it;
      both given means both must match. An unknown genre matches no book.
    - `author_id`: books the author is credited on in any role; a merged-away author id means
      the author it was merged into.
    - `language`: a BCP 47 tag, case-insensitive; `en` also matches `en-US`, `en-GB` …
    - `year_from` / `year_to`: original publication year, both inclusive; books without a
      year are left out when either is given.
    - `min_rating`: BookNest average rating at least this (0 to 5).

    Raises `Invalid` (field named after the argument) for an inverted year range, a rating
    outside 0–5, or a language with NUL characters or over 16 characters.
    """
    errors: list[FieldError] = []
    if year_from is not None and year_to is not None and year_from > year_to:
        errors.append(FieldError(ErrorCode.INVALID, "yearFrom is after yearTo.", "year_from"))
    if min_rating is not None and not MIN_RATING <= min_rating <= MAX_RATING:
        errors.append(
            FieldError(ErrorCode.INVALID, "minRating must be between 0 and 5.", "min_rating")
        )
    if language is not None:
        language = clean_text(language, field="language", max_length=16)
    if errors:
        raise Invalid.of(errors)

    books = Book.objects.all()
    if genre_slug is not None and genre_id is not None:
        # Both must match: books in both subtrees (rare, so two reads of the small table).
        by_slug = genre_subtree_ids(slugs=[genre_slug], include_subgenres=include_subgenres)
        by_id = genre_subtree_ids([genre_id], include_subgenres=include_subgenres)
        books = books.filter(books_in_genres(by_slug)).filter(books_in_genres(by_id))
    elif genre_slug is not None or genre_id is not None:
        genre_ids = genre_subtree_ids(
            [] if genre_id is None else [genre_id],
            [] if genre_slug is None else [genre_slug],
            include_subgenres=include_subgenres,
        )
        books = books.filter(books_in_genres(genre_ids))
    if author_id is not None:
        credited = BookAuthor.objects.filter(
            Q(author_id=author_id)
            | Q(author_id__in=AuthorRedirect.objects.filter(old_id=author_id).values("author_id"))
        )
        books = books.filter(pk__in=credited.values("book_id"))
    if language:
        books = books.filter(Q(language__iexact=language) | Q(language__istartswith=f"{language}-"))
    if year_from is not None:
        books = books.filter(original_publication_year__gte=year_from)
    if year_to is not None:
        books = books.filter(original_publication_year__lte=year_to)
    if min_rating is not None:
        books = books.filter(average_rating__gte=min_rating)
    return books.order_by(*book_ordering(order, descending))


def books_of_author(author_id: int) -> QuerySet[Book]:
    """Books the author is credited on (any role), oldest first; unknown years last."""
    credited = BookAuthor.objects.filter(author_id=author_id).values("book_id")
    return Book.objects.filter(pk__in=credited).order_by(
        *book_ordering(BookOrderField.PUBLICATION_YEAR)
    )


def search_authors(search: str | None = None) -> QuerySet[Author]:
    """Authors whose name contains `search` (case-, accent- and punctuation-insensitive:
    "bronte" finds "Charlotte Brontë"), by sort name then id; all authors when blank."""
    authors = Author.objects.all()
    text = clean_text(search, field="search", max_length=255)
    if text:
        key = name_key(text)
        authors = authors.filter(Q(name_key__contains=key) | Q(name__icontains=text))
    return authors.order_by(Lower("sort_name").asc(), F("id").asc())


# --- ids that survive merges ------------------------------------------------------------------


def _possible_ids(ids: Iterable[int]) -> list[int]:
    # `IN (…)` lookups are not guarded against integers the database cannot hold.
    return [i for i in dict.fromkeys(ids) if 0 < i <= MAX_ID]


BOOKS_BY_ID = PreparedById(Book)
AUTHORS_BY_ID = PreparedById(Author)


def current_books(ids: Iterable[int]) -> dict[int, Book]:
    """`{requested id: book}` for ids of books, or of books merged into another (→ survivor)."""
    wanted = _possible_ids(ids)
    found: dict[int, Book] = BOOKS_BY_ID(wanted)
    missing = [book_id for book_id in wanted if book_id not in found]
    if missing:
        for redirect in BookRedirect.objects.filter(old_id__in=missing).select_related("book"):
            found[redirect.old_id] = redirect.book
    return found


def current_book(book_id: int) -> Book | None:
    return current_books([book_id]).get(book_id)


def current_authors(ids: Iterable[int]) -> dict[int, Author]:
    """`{requested id: author}`, following merges like `current_books`."""
    wanted = _possible_ids(ids)
    found: dict[int, Author] = AUTHORS_BY_ID(wanted)
    missing = [author_id for author_id in wanted if author_id not in found]
    if missing:
        redirects = AuthorRedirect.objects.filter(old_id__in=missing).select_related("author")
        for redirect in redirects:
            found[redirect.old_id] = redirect.author
    return found


def current_author(author_id: int) -> Author | None:
    return current_authors([author_id]).get(author_id)


EDITION_ORDER = ("id",)  # as added; `Book.defaultEdition` names the default


def book_editions(
    book_id: int, *, format: str | None = None, language: str | None = None
) -> QuerySet[Edition]:
    """A book's editions, oldest first; `format` and `language` (a BCP
    47 tag, case-insensitive; `en` also matches `en-US`) narrow them. INVALID for a language
    with NUL characters or over 16 characters."""
    editions = Edition.objects.filter(book_id=book_id)
    if format is not None:
        editions = editions.filter(format=getattr(format, "value", format))
    if language is not None:
        language = clean_text(language, field="filter.language", max_length=16)
        if language:
            editions = editions.filter(
                Q(language__iexact=language) | Q(language__istartswith=f"{language}-")
            )
    return editions.order_by(*EDITION_ORDER)
