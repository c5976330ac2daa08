"""The one interface every search engine answers, and the pieces the database engines share."""

from dataclasses import dataclass, field

from apps.catalog.models import Book, Edition
from apps.core.errors import Invalid
from apps.search.models import Kind
from apps.search.text import highlight

# Ranked results are paged by offset inside this window: deep pages are not served.
RESULT_WINDOW = 1000
MAX_PAGE = 100


@dataclass(frozen=True)
class SearchFilter:
    """Book filters; when any is set, only books are searched."""

    genres: tuple[str, ...] = ()
    language: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    min_rating: float | None = None

    @property
    def active(self) -> bool:
        return bool(
            self.genres
            or self.language
            or self.year_from is not None
            or self.year_to is not None
            or self.min_rating is not None
        )

    def validate(self) -> None:
        if (
            self.year_from is not None
            and self.year_to is not None
            and self.year_to < self.year_from
        ):
            raise Invalid("`yearTo` is before `yearFrom`.", field="filter.year_to")
        if self.min_rating is not None and not 0 <= self.min_rating <= 5:
            raise Invalid("`minRating` must be between 0 and 5.", field="filter.min_rating")
        if len(self.genres) > 20:
            raise Invalid("Filter on at most 20 genres.", field="filter.genres")


@dataclass
class Hit:
    kind: str
    id: int
    score: float
    highlights: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Facets:
    genres: list[tuple[int, int]] = field(default_factory=list)  # (genre id, books)
    decades: list[tuple[int, int]] = field(default_factory=list)  # (1990, books)


@dataclass
class SearchPage:
    hits: list[Hit]
    total: int
    facets: Facets | None = None


@dataclass
class Suggestion:
    kind: str
    id: int
    text: str
    score: float


# Which document columns each kind's highlights come from, under the names clients see.
HIGHLIGHT_FIELDS = {
    Kind.BOOK: (
        ("title", "title"),
        ("subtitle", "subtitle"),
        ("people", "authorsAndSeries"),
        ("body", "description"),
    ),
    Kind.AUTHOR: (("title", "name"), ("body", "bio")),
    Kind.USER: (("title", "displayName"), ("people", "username"), ("body", "bio")),
    Kind.LIST: (("title", "name"), ("body", "description")),
    Kind.QUOTE: (("title", "text"), ("people", "book")),
}


def highlights_of(kind: str, row: dict, query: str) -> list[tuple[str, str]]:
    found = []
    for column, name in HIGHLIGHT_FIELDS[Kind(kind)]:
        snippet = highlight(row.get(column) or "", query)
        if snippet:
            found.append((name, snippet))
    return found


def check_page(first: int, after: int) -> None:
    if not 0 <= first <= MAX_PAGE:
        raise Invalid(f"`first` must be between 0 and {MAX_PAGE}.", field="first")
    if after < 0 or after + first > RESULT_WINDOW:
        raise Invalid(
            f"Search results can be paged through the first {RESULT_WINDOW} hits only.",
            field="after",
        )


def isbn_page(isbn13: str, kinds) -> SearchPage | None:
    """An ISBN query: that book, alone, first. None when no book has it (search the text)."""
    if Kind.BOOK not in kinds:
        return None
    # Any edition's ISBN; a book saved without editions by its own.
    book_id = Edition.objects.filter(isbn13=isbn13).values_list("book_id", flat=True).first()
    if book_id is None:
        book_id = Book.objects.filter(isbn13=isbn13).values_list("pk", flat=True).first()
    if book_id is None:
        return None
    return SearchPage(hits=[Hit(Kind.BOOK, book_id, 100.0, [("isbn", isbn13)])], total=1)


class SearchEngine:
    """`search` ranks documents for a query; `suggest` completes a prefix for the search box."""

    name = "abstract"

    def search(
        self,
        query: str,
        kinds: list[str],
        filters: SearchFilter,
        first: int,
        after: int,
        viewer_id: int | None,
        *,
        facets: bool = False,
    ) -> SearchPage:
        raise NotImplementedError

    def suggest(
        self, prefix: str, kinds: list[str], limit: int, viewer_id: int | None
    ) -> list[Suggestion]:
        raise NotImplementedError
