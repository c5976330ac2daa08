"""GraphQL types of discovery: rankings, recommendations and a reader's year in numbers."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from asgiref.sync import sync_to_async

from apps.discovery.rankings import Window
from apps.impressions.traits import top_moods
from apps.reading.stats import YearStats
from schema.catalog.loaders import AuthorByIdLoader, BookByIdLoader, GenreByIdLoader
from schema.context import Info
from schema.enums import MoodEnum

if TYPE_CHECKING:
    from schema.catalog.types import AuthorType, BookType, GenreType

BookTypeRef = Annotated["BookType", strawberry.lazy("schema.catalog.types")]
GenreTypeRef = Annotated["GenreType", strawberry.lazy("schema.catalog.types")]
AuthorTypeRef = Annotated["AuthorType", strawberry.lazy("schema.catalog.types")]

TimeWindow = strawberry.enum(
    Window, name="TimeWindow", description="How far back `trendingBooks` looks."
)


async def _books(info: Info, ids: list[int]) -> list:
    books = await info.context.loaders.get(BookByIdLoader).load_many(ids)
    return [book for book in books if book is not None]  # deleted since it was ranked


@strawberry.type(description="A ranking of books, as computed at `computedAt` (it is cached).")
class RankedBooks:
    computed_at: datetime = strawberry.field(
        description="When the ranking was computed; it is served from the cache until it "
        "expires or enough ratings change."
    )
    book_ids: strawberry.Private[list[int]]

    @strawberry.field(description="The books, best first.")
    async def books(self, info: Info) -> list[BookTypeRef]:
        return await _books(info, self.book_ids)


@strawberry.type(description="A book recommended to the viewer, and why.")
class Recommendation:
    book_id: strawberry.Private[int]
    because_of_id: strawberry.Private[int | None]
    reason: str = strawberry.field(
        description="Why, for display: “Because you liked Dune”, “Popular in Fantasy”, "
        "“Popular on BookNest”."
    )
    score: float = strawberry.field(
        description="Strength of the collaborative-filtering signal; 0 for popularity picks."
    )

    @strawberry.field(description="The recommended book.")
    async def book(self, info: Info) -> BookTypeRef | None:
        return await info.context.loaders.get(BookByIdLoader).load(self.book_id)

    @strawberry.field(
        description="The book the viewer liked that led here; null for popularity picks."
    )
    async def because_of(self, info: Info) -> BookTypeRef | None:
        if self.because_of_id is None:
            return None
        return await info.context.loaders.get(BookByIdLoader).load(self.because_of_id)


@strawberry.type(description="Books, pages and minutes a reader finished in one month.")
class MonthlyReading:
    month: int = strawberry.field(description="1 (January) to 12 (December).")
    books: int = strawberry.field(description="Books finished that month.")
    pages: int = strawberry.field(description="Their pages (books of unknown length add none).")
    minutes: int = strawberry.field(
        description="Their listening minutes (audiobooks; 0 until editions carry durations)."
    )


@strawberry.type(description="A mood of the year's books, and how many of them have it.")
class MoodCount:
    mood: MoodEnum = strawberry.field(description="The mood.")
    books: int = strawberry.field(
        description="Books of the year that readers tagged with it (`setBookTraits`)."
    )


@strawberry.type(description="How many of the year's books are of one genre.")
class GenreCount:
    genre_id: strawberry.Private[int]
    books: int = strawberry.field(description="Books of the genre finished in the year.")

    @strawberry.field(description="The genre.")
    async def genre(self, info: Info) -> GenreTypeRef | None:
        return await info.context.loaders.get(GenreByIdLoader).load(self.genre_id)


@strawberry.type(description="An author the reader read most in the year.")
class AuthorCount:
    author_id: strawberry.Private[int]
    books: int = strawberry.field(description="Books of the author finished in the year.")

    @strawberry.field(description="The author.")
    async def author(self, info: Info) -> AuthorTypeRef | None:
        return await info.context.loaders.get(AuthorByIdLoader).load(self.author_id)


@strawberry.type(
    description="A reader's year in books: the books on their `READ` shelf with a finish date "
    "in the year (as for reading goals)."
)
class ReadingStats:
    stats: strawberry.Private[YearStats]

    @strawberry.field(description="The calendar year.")
    def year(self) -> int:
        return self.stats.year

    @strawberry.field(description="Books finished in the year.")
    def books_read(self) -> int:
        return self.stats.books

    @strawberry.field(description="Pages of those books (books of unknown length add none).")
    def pages_read(self) -> int:
        return self.stats.pages

    @strawberry.field(description="Listening minutes of those books (audiobooks).")
    def minutes_read(self) -> int:
        return self.stats.minutes

    @strawberry.field(
        description="Average pages of the year's books of known length, 2 decimals; null when "
        "none is known."
    )
    def average_pages(self) -> float | None:
        return self.stats.average_pages

    @strawberry.field(
        description="Pace of reading from the journal: pages advanced in the year's progress "
        "entries per day with one, 1 decimal; null without progress entries."
    )
    def pages_per_day(self) -> float | None:
        return self.stats.pages_per_day

    @strawberry.field(
        description="The five moods readers tagged most of the year's books with, most first."
    )
    async def top_moods(self) -> list[MoodCount]:
        found = await sync_to_async(top_moods)(self.stats.book_ids)
        return [MoodCount(mood=mood, books=n) for mood, n in found]

    @strawberry.field(description="Twelve entries, January to December, months without books too.")
    def months(self) -> list[MonthlyReading]:
        return [
            MonthlyReading(month=m.month, books=m.books, pages=m.pages, minutes=m.minutes)
            for m in self.stats.months
        ]

    @strawberry.field(description="Genres of the year's books, most books first.")
    def genres(self) -> list[GenreCount]:
        return [GenreCount(genre_id=g, books=n) for g, n in self.stats.genres]

    @strawberry.field(
        description="The reader's average rating of the year's books; null if none rated."
    )
    def average_rating(self) -> float | None:
        return self.stats.average_rating

    @strawberry.field(description="The five authors with most books in the year, most first.")
    def top_authors(self) -> list[AuthorCount]:
        return [AuthorCount(author_id=a, books=n) for a, n in self.stats.authors]

    @strawberry.field(
        description="The year's book with the most pages; null when none has a count."
    )
    async def longest_book(self, info: Info) -> BookTypeRef | None:
        return await _one(info, self.stats.longest_book_id)

    @strawberry.field(
        description="The year's book with the fewest pages; null when none has a count."
    )
    async def shortest_book(self, info: Info) -> BookTypeRef | None:
        return await _one(info, self.stats.shortest_book_id)


async def _one(info: Info, book_id: int | None):
    if book_id is None:
        return None
    return await info.context.loaders.get(BookByIdLoader).load(book_id)
