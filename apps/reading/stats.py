"""A reader's year in books: per month, genres, authors, ratings, the longest and shortest.

The books of a year are those on the reader's `read` shelf with `finished_at` in it (the rule of
reading goals, `apps.reading.progress`); pages are the catalogue's page counts. The average
rating given is over the reader's ratings of those books. A fixed handful of queries,
whatever the number of books.
"""

from dataclasses import dataclass, field

from django.db.models import Avg, Count, Sum
from django.db.models.functions import ExtractMonth

from apps.catalog.models import AuthorRole, BookAuthor
from apps.reading.models import Rating, ReadingStatus, UserBook

TOP_AUTHORS = 5


@dataclass(frozen=True)
class MonthStats:
    month: int
    books: int
    pages: int


@dataclass
class YearStats:
    year: int
    months: list[MonthStats]
    books: int = 0
    pages: int = 0
    average_rating: float | None = None
    genres: list[tuple[int, int]] = field(default_factory=list)  # (genre id, books)
    authors: list[tuple[int, int]] = field(default_factory=list)  # (author id, books)
    longest_book_id: int | None = None
    shortest_book_id: int | None = None


def year_stats(user_id: int, year: int) -> YearStats:
    read = UserBook.objects.filter(
        user_id=user_id, status=ReadingStatus.READ, finished_at__year=year
    )
    per_month = {
        month: (books, pages or 0)
        for month, books, pages in read.annotate(month=ExtractMonth("finished_at"))
        .values("month")
        .annotate(books=Count("id"), pages=Sum("book__pages"))
        .values_list("month", "books", "pages")
    }
    months = [MonthStats(m, *per_month.get(m, (0, 0))) for m in range(1, 13)]
    stats = YearStats(year, months, sum(m.books for m in months), sum(m.pages for m in months))
    if not stats.books:
        return stats
    book_ids = read.values("book_id")
    stats.average_rating = _rounded(
        Rating.objects.filter(user_id=user_id, book_id__in=book_ids).aggregate(a=Avg("value"))["a"]
    )
    stats.genres = list(
        read.filter(book__genres__isnull=False)
        .values("book__genres")
        .annotate(n=Count("book_id", distinct=True))
        .order_by("-n", "book__genres__name")
        .values_list("book__genres", "n")
    )
    stats.authors = list(
        BookAuthor.objects.filter(book_id__in=book_ids, role=AuthorRole.AUTHOR)
        .values("author_id")
        .annotate(n=Count("book_id", distinct=True))
        .order_by("-n", "author__sort_name", "author_id")
        .values_list("author_id", "n")[:TOP_AUTHORS]
    )
    with_pages = read.filter(book__pages__isnull=False)
    stats.longest_book_id = (
        with_pages.order_by("-book__pages", "book_id").values_list("book_id", flat=True).first()
    )
    stats.shortest_book_id = (
        with_pages.order_by("book__pages", "book_id").values_list("book_id", flat=True).first()
    )
    return stats


def _rounded(value) -> float | None:
    return None if value is None else round(float(value), 2)
