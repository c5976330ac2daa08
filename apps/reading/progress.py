"""Progress towards yearly reading goals: what was read in a year, and the schedule.

A book counts for a year when it is on the reader's `read` shelf with `finished_at` in that
year; its pages are the pages of the edition the reader read (`entry_pages`: the shelf entry's
edition, else the book's default edition; books without a page count add no pages). A book read
twice counts once, in the year of its latest finish: shelves keep one finish date per book.
"""

import calendar
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Sum
from django.db.models.functions import Coalesce, ExtractYear

from apps.reading.models import ReadingStatus, UserBook

# The pages of a shelf entry, as an expression on `UserBook` rows: its edition's, else its
# book's (a book's `pages` are its default edition's). One notion for goals, progress, stats.
ENTRY_PAGES = Coalesce(F("edition__pages"), F("book__pages"))


def entry_pages(entry: UserBook) -> int | None:
    """The pages of one shelf entry: its edition's, else its book's default edition's."""
    if entry.edition_id is not None and entry.edition.pages is not None:
        return entry.edition.pages
    return entry.book.pages


@dataclass(frozen=True)
class YearRead:
    books: int = 0
    pages: int = 0


def read_in_years(keys: list[tuple[int, int]]) -> dict[tuple[int, int], YearRead]:
    """Books and pages finished by each (user id, year), in one query."""
    if not keys:
        return {}
    user_ids = {user_id for user_id, _ in keys}
    years = {year for _, year in keys}
    rows = (
        UserBook.objects.filter(
            user_id__in=user_ids, status=ReadingStatus.READ, finished_at__year__in=years
        )
        .annotate(year=ExtractYear("finished_at"))
        .values("user_id", "year")
        .annotate(books=Count("id"), pages=Sum(ENTRY_PAGES))
        .values_list("user_id", "year", "books", "pages")
    )
    found = {(user_id, year): YearRead(books, pages or 0) for user_id, year, books, pages in rows}
    return {key: found.get(key, YearRead()) for key in keys}


def elapsed_share(year: int, today: date) -> float:
    """How much of `year` has passed by the end of `today`: 0 before it, 1 after it."""
    if year < today.year:
        return 1.0
    if year > today.year:
        return 0.0
    days = 366 if calendar.isleap(year) else 365
    return today.timetuple().tm_yday / days


def percent(done: int, target: int | None) -> float | None:
    """`done` as a percentage of `target` (may pass 100), 1 decimal; None without a target."""
    return round(100 * done / target, 1) if target else None


def expected_by(target: int | None, year: int, today: date) -> int | None:
    """What an even pace would have reached by today (rounded down); None without a target."""
    if not target:
        return None
    return int(target * elapsed_share(year, today))
