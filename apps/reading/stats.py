"""A reader's year in books: per month, genres, authors, ratings, length, pace of reading.

The books of a year are those on the reader's `read` shelf with `finished_at` in it (the rule of
reading goals, `apps.reading.progress`); pages and minutes are the shelf entries'
(`entry_pages`, `entry_minutes`). The average rating given is over the reader's ratings of
those books. The pace is read from the journal: pages advanced between successive progress
entries of a book (from page 0 for its first), over the days with a progress entry, in the
year. A fixed handful of queries, whatever the number of books.
"""

from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from apps.catalog.models import AuthorRole, BookAuthor
from apps.reading.models import JournalEntry, Rating, ReadingStatus, UserBook
from apps.reading.progress import entry_minutes, entry_pages

TOP_AUTHORS = 5


@dataclass(frozen=True)
class MonthStats:
    month: int
    books: int
    pages: int
    minutes: int = 0


@dataclass
class YearStats:
    year: int
    months: list[MonthStats]
    books: int = 0
    pages: int = 0
    minutes: int = 0
    average_rating: float | None = None
    average_pages: float | None = None
    pages_per_day: float | None = None
    book_ids: list[int] = field(default_factory=list)  # finish order, for the year's picture
    genres: list[tuple[int, int]] = field(default_factory=list)  # (genre id, books)
    authors: list[tuple[int, int]] = field(default_factory=list)  # (author id, books)
    longest_book_id: int | None = None
    shortest_book_id: int | None = None


def year_stats(user_id: int, year: int) -> YearStats:
    read = UserBook.objects.filter(
        user_id=user_id, status=ReadingStatus.READ, finished_at__year=year
    )
    per_month = {
        month: (books, pages or 0, minutes or 0)
        for month, books, pages, minutes in read.annotate(month=ExtractMonth("finished_at"))
        .values("month")
        .annotate(books=Count("id"), pages=Sum(entry_pages()), minutes=Sum(entry_minutes()))
        .values_list("month", "books", "pages", "minutes")
    }
    months = [MonthStats(m, *per_month.get(m, (0, 0, 0))) for m in range(1, 13)]
    stats = YearStats(
        year,
        months,
        sum(m.books for m in months),
        sum(m.pages for m in months),
        sum(m.minutes for m in months),
    )
    stats.pages_per_day = pages_per_day(user_id, year)
    if not stats.books:
        return stats
    stats.book_ids = list(read.order_by("finished_at", "id").values_list("book_id", flat=True))
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
    with_pages = read.annotate(length=entry_pages()).filter(length__isnull=False)
    stats.average_pages = _rounded(with_pages.aggregate(a=Avg("length"))["a"])
    stats.longest_book_id = (
        with_pages.order_by("-length", "book_id").values_list("book_id", flat=True).first()
    )
    stats.shortest_book_id = (
        with_pages.order_by("length", "book_id").values_list("book_id", flat=True).first()
    )
    return stats


def _rounded(value) -> float | None:
    return None if value is None else round(float(value), 2)


def pages_per_day(user_id: int, year: int) -> float | None:
    """Pages advanced in the year's journal entries per day with a progress entry (one
    decimal); None without progress entries. A percent counts as that share of the entry's
    pages; going back (a re-read) advances nothing."""
    rows = (
        JournalEntry.objects.filter(user_id=user_id, created_at__year__lte=year)
        .filter(Q(page__isnull=False) | Q(percent__isnull=False))
        .annotate(length=entry_pages("user_book__"))
        .order_by("user_book_id", "created_at", "id")
        .values_list("user_book_id", "created_at", "page", "percent", "length")
    )
    advanced, days, last = 0, set(), {}
    for user_book_id, created_at, page, percent, length in rows:
        if percent is not None:
            if length is None:
                continue
            page = float(percent) * length / 100
        day = timezone.localdate(created_at)
        if day.year == year:
            advanced += max(0, page - last.get(user_book_id, 0))
            days.add(day)
        last[user_book_id] = page
    return round(advanced / len(days), 1) if days else None
