"""Progress towards yearly reading goals: what was read in a year, and the schedule.

A book counts for a year when it is on the reader's `read` shelf with `finished_at` in that
year; its pages and minutes are those of the edition the reader read (`entry_pages`,
`entry_minutes`, `pages_of`: the one place that says what a shelf entry's length is — the shelf
entry's edition, else the book's default edition; an audiobook edition has minutes, not pages;
books without a page count add no pages). A book read twice counts once, in the year of its latest
finish: shelves keep one finish date per book.
"""

import calendar
from dataclasses import dataclass
from datetime import date

from django.db.models import Case, Count, F, IntegerField, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractYear

from apps.reading.models import ReadingStatus, UserBook


def entry_pages(prefix: str = ""):
    """The pages of a shelf entry, as an expression on `UserBook` rows (`prefix` is the path to
    the entry, e.g. "user_book__"): its edition's; none for an audiobook edition without a page
    count; else its book's (a book's `pages` are its default edition's). NULL when unknown."""
    return Case(
        When(**{f"{prefix}edition__pages__isnull": False}, then=F(f"{prefix}edition__pages")),
        When(**{f"{prefix}edition__duration_minutes__isnull": False}, then=Value(None)),
        default=F(f"{prefix}book__pages"),
        output_field=IntegerField(),
    )


def entry_minutes(prefix: str = ""):
    """The listening minutes of a shelf entry, as an expression: its edition's duration (an
    audiobook's), else 0."""
    return Coalesce(F(f"{prefix}edition__duration_minutes"), Value(0), output_field=IntegerField())


def pages_of(entry: UserBook) -> int | None:
    """`entry_pages` for one loaded entry: the most pages a reader can be at."""
    edition = entry.edition if entry.edition_id is not None else None
    if edition is not None and edition.pages is not None:
        return edition.pages
    if edition is not None and edition.duration_minutes is not None:
        return None
    return entry.book.pages


@dataclass(frozen=True)
class YearRead:
    books: int = 0
    pages: int = 0
    minutes: int = 0


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
        .annotate(books=Count("id"), pages=Sum(entry_pages()), minutes=Sum(entry_minutes()))
        .values_list("user_id", "year", "books", "pages", "minutes")
    )
    found = {
        (user_id, year): YearRead(books, pages or 0, minutes or 0)
        for user_id, year, books, pages, minutes in rows
    }
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
