"""Input objects and enums of the catalogue: the `books` filter and order, and edit inputs."""

from datetime import date
from decimal import Decimal
from enum import Enum

import strawberry
from strawberry import relay

from apps.catalog.models import AuthorRole, BookFormat
from apps.catalog.selectors import BookOrderField
from schema.enums import AuthorRoleEnum, BookFormatEnum, MoodEnum, PaceEnum

UNSET = strawberry.UNSET
KEEP = "Left out: unchanged; null: cleared."


@strawberry.enum(
    name="BookOrderField",
    description="What to sort books by. Ties are broken by id, so cursors stay stable.",
)
class BookOrderFieldEnum(Enum):
    TITLE = strawberry.enum_value(BookOrderField.TITLE.value, description="Title, ignoring case.")
    PUBLICATION_YEAR = strawberry.enum_value(
        BookOrderField.PUBLICATION_YEAR.value,
        description="Original publication year; books without one come last.",
    )
    AVERAGE_RATING = strawberry.enum_value(
        BookOrderField.AVERAGE_RATING.value,
        description="BookNest readers' average rating (unrated books count as 0).",
    )
    RATINGS_COUNT = strawberry.enum_value(
        BookOrderField.RATINGS_COUNT.value, description="Number of BookNest ratings."
    )
    RECENTLY_ADDED = strawberry.enum_value(
        BookOrderField.RECENTLY_ADDED.value, description="When the book joined the catalogue."
    )


@strawberry.enum(description="Sort direction.")
class OrderDirection(Enum):
    ASC = strawberry.enum_value("asc", description="Ascending: A→Z, oldest, lowest first.")
    DESC = strawberry.enum_value("desc", description="Descending: Z→A, newest, highest first.")


@strawberry.input(description="Which books to list; every filter given must match.")
class BookFilter:
    genre: str | None = strawberry.field(
        default=None,
        description="A genre's slug: books in it or in any genre below it (“fantasy” includes "
        "“epic-fantasy”). An unknown slug matches no book.",
    )
    genre_id: relay.GlobalID | None = strawberry.field(
        default=None, description="A genre's global id; like `genre`, sub-genres included."
    )
    author_id: relay.GlobalID | None = strawberry.field(
        default=None,
        description="An author's global id: books they are credited on, in any role.",
    )
    language: str | None = strawberry.field(
        default=None,
        description="A BCP 47 language tag, case-insensitive; `en` also matches `en-US`, `en-GB` …",
    )
    year_from: int | None = strawberry.field(
        default=None,
        description="Earliest original publication year, inclusive (negative: BCE). Books "
        "without a known year are left out when a year bound is given.",
    )
    year_to: int | None = strawberry.field(
        default=None, description="Latest original publication year, inclusive."
    )
    min_rating: float | None = strawberry.field(
        default=None,
        description="Minimum BookNest average rating, 0 to 5 (unrated books average 0).",
    )
    moods: list[MoodEnum] | None = strawberry.field(
        default=None,
        description="Books that feel this way to their readers: each mood chosen by at least "
        "a third of the readers who tagged the book.",
    )
    pace: PaceEnum | None = strawberry.field(
        default=None, description="Books whose most voted pace is this one (ties: any of them)."
    )
    exclude_content_warnings: list[str] | None = strawberry.field(
        default=None,
        description="Leave out books for which any reader reported one of these content "
        "warnings (curated names, any case).",
    )


@strawberry.input(description="How to sort books.")
class BookOrder:
    field: BookOrderFieldEnum = strawberry.field(
        default=BookOrderFieldEnum.TITLE, description="What to sort by (default TITLE)."
    )
    direction: OrderDirection | None = strawberry.field(
        default=None,
        description="ASC or DESC. Default: ASC for TITLE and PUBLICATION_YEAR, DESC (highest, "
        "newest first) for AVERAGE_RATING, RATINGS_COUNT and RECENTLY_ADDED. Books without a "
        "year come last either way.",
    )


@strawberry.input(description="A contributor of a book and their role.")
class ContributorInput:
    author_id: relay.GlobalID = strawberry.field(description="The author's global id.")
    role: AuthorRoleEnum = strawberry.field(  # type: ignore[valid-type]
        default=AuthorRole.AUTHOR, description="What they did (default AUTHOR)."
    )


_BYLINE = (
    "The byline is `authorIds` (role AUTHOR, in order) followed by `contributors`; giving "
    "either replaces the whole byline. An author may appear once per role."
)


@strawberry.input(description=f"A new book. {_BYLINE}")
class CreateBookInput:
    title: str = strawberry.field(description="Title, without the series (≤ 500 chars).")
    subtitle: str = strawberry.field(default="", description="Subtitle (≤ 500 chars).")
    description: str = strawberry.field(default="", description="Summary (≤ 50,000 chars).")
    language: str = strawberry.field(
        default="", description="BCP 47 tag (`en`, `pt-BR`; `eng` is stored as `en`)."
    )
    pages: int | None = strawberry.field(default=None, description="Number of pages, ≥ 1.")
    publisher: str = strawberry.field(default="", description="Publisher (≤ 255 chars).")
    format: BookFormatEnum = strawberry.field(  # type: ignore[valid-type]
        default=BookFormat.UNKNOWN, description="Hardcover, e-book …"
    )
    publication_year: int | None = strawberry.field(
        default=None, description="Year of this edition (-3000 to 2100)."
    )
    original_publication_year: int | None = strawberry.field(
        default=None, description="Year of first publication (-3000 to 2100; negative: BCE)."
    )
    isbn: str | None = strawberry.field(
        default=None,
        description="ISBN-10 or ISBN-13 in any spelling (hyphens, spaces); both forms are "
        "stored. A wrong check digit is INVALID; an ISBN of another book is a CONFLICT.",
    )
    author_ids: list[relay.GlobalID] | None = strawberry.field(
        default=None, description="Authors, in byline order."
    )
    contributors: list[ContributorInput] | None = strawberry.field(
        default=None, description="Other contributors (translators, illustrators …), in order."
    )
    genre_ids: list[relay.GlobalID] | None = strawberry.field(
        default=None, description="Genres of the book."
    )
    series_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The series the book belongs to."
    )
    series_position: Decimal | None = strawberry.field(
        default=None, description="Place in the series (1, 2, 2.5 …); needs `seriesId`."
    )
    openlibrary_id: str = strawberry.field(
        default="", description="Open Library key (`OL7353617M`), unique."
    )
    goodreads_id: str = strawberry.field(default="", description="Goodreads book id, unique.")


@strawberry.input(description=f"Changes to a book: {KEEP} {_BYLINE}")
class UpdateBookInput:
    title: str | None = strawberry.field(default=UNSET, description="Title (never empty).")
    subtitle: str | None = strawberry.field(default=UNSET, description="Subtitle.")
    description: str | None = strawberry.field(default=UNSET, description="Summary.")
    language: str | None = strawberry.field(default=UNSET, description="BCP 47 tag.")
    pages: int | None = strawberry.field(default=UNSET, description="Number of pages.")
    publisher: str | None = strawberry.field(default=UNSET, description="Publisher.")
    format: BookFormatEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=UNSET, description="Format (null: UNKNOWN)."
    )
    publication_year: int | None = strawberry.field(
        default=UNSET, description="Year of this edition."
    )
    original_publication_year: int | None = strawberry.field(
        default=UNSET, description="Year of first publication."
    )
    isbn: str | None = strawberry.field(
        default=UNSET, description="ISBN-10 or ISBN-13 in any spelling; null or '' clears both."
    )
    author_ids: list[relay.GlobalID] | None = strawberry.field(
        default=UNSET, description="Authors, in byline order."
    )
    contributors: list[ContributorInput] | None = strawberry.field(
        default=UNSET, description="Other contributors, in order."
    )
    genre_ids: list[relay.GlobalID] | None = strawberry.field(
        default=UNSET, description="Genres (replaces them all)."
    )
    series_id: relay.GlobalID | None = strawberry.field(
        default=UNSET, description="Series (null: none, which also clears the place)."
    )
    series_position: Decimal | None = strawberry.field(
        default=UNSET, description="Place in the series."
    )
    openlibrary_id: str | None = strawberry.field(default=UNSET, description="Open Library key.")
    goodreads_id: str | None = strawberry.field(default=UNSET, description="Goodreads book id.")


@strawberry.input(description="A new author.")
class CreateAuthorInput:
    name: str = strawberry.field(description="Name as credited (≤ 255 chars).")
    sort_name: str = strawberry.field(
        default="", description="Name for sorting; derived (“Le Guin, Ursula K.”) when empty."
    )
    bio: str = strawberry.field(default="", description="Short biography (≤ 20,000 chars).")
    birth_year: int | None = strawberry.field(default=None, description="Year of birth.")
    death_year: int | None = strawberry.field(
        default=None, description="Year of death; not before the birth year."
    )
    openlibrary_id: str = strawberry.field(
        default="", description="Open Library author key (`OL26320A`), unique."
    )
    goodreads_id: str = strawberry.field(default="", description="Goodreads author id, unique.")
    wikidata_id: str = strawberry.field(default="", description="Wikidata id (`Q892`), unique.")


@strawberry.input(description=f"Changes to an author: {KEEP}")
class UpdateAuthorInput:
    name: str | None = strawberry.field(default=UNSET, description="Name (never empty).")
    sort_name: str | None = strawberry.field(
        default=UNSET, description="Name for sorting; cleared: derived from the name."
    )
    bio: str | None = strawberry.field(default=UNSET, description="Short biography.")
    birth_year: int | None = strawberry.field(default=UNSET, description="Year of birth.")
    death_year: int | None = strawberry.field(default=UNSET, description="Year of death.")
    openlibrary_id: str | None = strawberry.field(default=UNSET, description="Open Library key.")
    goodreads_id: str | None = strawberry.field(default=UNSET, description="Goodreads id.")
    wikidata_id: str | None = strawberry.field(default=UNSET, description="Wikidata id.")


@strawberry.input(
    description="A new edition of a book. ISBNs in any spelling, check digits "
    "validated; one given alone brings the other (a 979 ISBN-13 has no ISBN-10)."
)
class CreateEditionInput:
    book_id: relay.GlobalID = strawberry.field(description="The book (the work).")
    isbn13: str | None = strawberry.field(default=UNSET, description="ISBN-13.")
    isbn10: str | None = strawberry.field(default=UNSET, description="ISBN-10.")
    format: BookFormatEnum | None = strawberry.field(default=UNSET, description="Format.")
    title: str | None = strawberry.field(
        default=UNSET, description="Title as printed; the book's title when left out."
    )
    subtitle: str | None = strawberry.field(default=UNSET, description="Subtitle as printed.")
    language: str | None = strawberry.field(default=UNSET, description="BCP 47 tag.")
    publisher: str | None = strawberry.field(default=UNSET, description="Publisher.")
    published_date: date | None = strawberry.field(
        default=UNSET, description="Day of publication (sets the year too)."
    )
    publication_year: int | None = strawberry.field(
        default=UNSET, description="Year of publication, when the day is not known."
    )
    pages: int | None = strawberry.field(default=UNSET, description="Number of pages.")
    duration_minutes: int | None = strawberry.field(
        default=UNSET, description="Running time of an audiobook, in minutes."
    )
    openlibrary_id: str | None = strawberry.field(
        default=UNSET, description="Open Library edition key (OL…M)."
    )
    is_default: bool | None = strawberry.field(
        default=UNSET,
        description="Make it the book's default edition (the first edition always is).",
    )


@strawberry.input(description=f"Changes to an edition. {KEEP}")
class UpdateEditionInput:
    isbn13: str | None = strawberry.field(default=UNSET, description="ISBN-13.")
    isbn10: str | None = strawberry.field(default=UNSET, description="ISBN-10.")
    format: BookFormatEnum | None = strawberry.field(default=UNSET, description="Format.")
    title: str | None = strawberry.field(default=UNSET, description="Title (never empty).")
    subtitle: str | None = strawberry.field(default=UNSET, description="Subtitle.")
    language: str | None = strawberry.field(default=UNSET, description="BCP 47 tag.")
    publisher: str | None = strawberry.field(default=UNSET, description="Publisher.")
    published_date: date | None = strawberry.field(default=UNSET, description="Day published.")
    publication_year: int | None = strawberry.field(default=UNSET, description="Year published.")
    pages: int | None = strawberry.field(default=UNSET, description="Number of pages.")
    duration_minutes: int | None = strawberry.field(
        default=UNSET, description="Running time in minutes."
    )
    openlibrary_id: str | None = strawberry.field(default=UNSET, description="Open Library key.")


def given(input_object) -> dict:
    """The fields the client gave (left-out ones are UNSET), by their Python names."""
    return {
        name: value
        for name, value in vars(input_object).items()
        if value is not UNSET and not name.startswith("_")
    }
