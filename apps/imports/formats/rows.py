"""What every parser yields: a normalised row of a library file, or why a row was refused.

Row numbers are 1-based and count the records after the header (row 1 is the first book), so
a multi-line review does not shift the numbers of the rows after it.
"""

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from apps.catalog import isbn as isbns
from apps.catalog.series import split_series
from apps.core.text import clean_text
from apps.reading.models import ReadingStatus

# Limits of the columns the rows end up in: a longer value is the row's error, not the batch's.
TITLE_MAX = 500
NAME_MAX = 255
REVIEW_MAX = 50_000
LIST_NAME_MAX = 150
SMALL_INT_MAX = 32_767
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)


class RowProblem(ValueError):
    """A value of a row that cannot be taken; its message is the row's reason."""


@dataclass
class ImportRow:
    """One book of a reader's library, as read from a file (before matching)."""

    row_number: int
    title: str = ""
    authors: list[str] = field(default_factory=list)
    isbn10: str = ""
    isbn13: str = ""
    series: str | None = None
    series_position: Decimal | None = None
    publisher: str = ""
    pages: int | None = None
    year: int | None = None
    original_year: int | None = None
    book_format: str = ""
    status: ReadingStatus | None = None
    date_added: date | None = None
    started_at: date | None = None
    finished_at: date | None = None
    read_count: int | None = None
    owned_copies: int | None = None
    rating: Decimal | None = None
    review: str = ""
    spoiler: bool = False
    private_notes: str = ""
    lists: list[str] = field(default_factory=list)
    raw: dict = field(default_factory=dict)

    @property
    def dated(self) -> date | None:
        """The latest date the row carries: how recent the source's knowledge of the book is."""
        dates = [d for d in (self.date_added, self.started_at, self.finished_at) if d]
        return max(dates) if dates else None


@dataclass
class RowError:
    """A row that could not be read, with its 1-based number and the reason."""

    row_number: int
    reason: str
    raw: dict = field(default_factory=dict)


def records(text: str) -> tuple[list[str], Iterator[tuple[int, dict | RowError]]]:
    """The header and, lazily, each record as `{column: value}` (or a RowError when the record's
    field count does not match the header)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip().lstrip("\ufeff") for name in next(reader, [])]

    def rows():
        # Blank lines (a trailing newline too many) are not rows: they are neither numbered
        # nor counted.
        for number, values in enumerate((v for v in reader if v), start=1):
            if not any(v.strip() for v in values):
                yield number, RowError(number, "Empty row.", {})
                continue
            if len(values) != len(header):
                raw = {str(i): v[:200] for i, v in enumerate(values)}
                yield (
                    number,
                    RowError(
                        number,
                        f"The row has {len(values)} fields; the header has {len(header)}.",
                        raw,
                    ),
                )
                continue
            yield number, dict(zip(header, values, strict=True))

    return header, rows()


def parse_records(
    text_: str, parse_row: Callable[[int, dict], ImportRow]
) -> Iterator[ImportRow | RowError]:
    """Each record of the file through `parse_row`; a row it cannot take becomes a RowError."""
    _header, rows = records(text_)
    for number, record in rows:
        if isinstance(record, RowError):
            yield record
            continue
        try:
            yield parse_row(number, record)
        except RowProblem as problem:
            yield RowError(number, str(problem), record)


def text(value: str | None, *, limit: int | None = None, label: str = "") -> str:
    value = clean_text(value)
    if limit and len(value) > limit:
        raise RowProblem(f"{label} is longer than {limit} characters.")
    return value


def unwrap(value: str | None) -> str:
    """Excel's `="0345391802"` (and `=""`) written by Goodreads, as the bare value."""
    value = (value or "").strip()
    if value.startswith('="') and value.endswith('"'):
        value = value[2:-1]
    return value.strip()


def isbn_pair(*values: str | None) -> tuple[str, str]:
    """`(isbn10, isbn13)` from the first value that is a valid ISBN; blanks otherwise (a value
    that is not an ISBN, like StoryGraph's own ids, is no error: the row matches by title)."""
    for value in values:
        raw = unwrap(value)
        pair = isbns.normalize(raw) if raw else ("", "")
        if pair == ("", "") and raw:
            restored = isbns.restore_isbn10(raw)
            pair = (restored, isbns.isbn10_to_isbn13(restored)) if restored else pair
        if pair != ("", ""):
            return pair
    return "", ""


_DATE = re.compile(r"^(\d{4})(?:[/-](\d{1,2})(?:[/-](\d{1,2}))?)?$")


def parse_date(value: str | None, label: str) -> date | None:
    """`YYYY/MM/DD` (Goodreads, StoryGraph), `YYYY-MM-DD`, or a bare year/month (first day)."""
    value = (value or "").strip()
    if not value:
        return None
    match = _DATE.match(value)
    try:
        if not match:
            raise ValueError
        parsed = date(int(match[1]), int(match[2] or 1), int(match[3] or 1))
    except ValueError:
        raise RowProblem(f"{label} {value!r} is not a date (expected YYYY/MM/DD).") from None
    # A day of slack: the file was written in its reader's time zone, maybe ahead of ours.
    if parsed > date.today() + timedelta(days=1):
        raise RowProblem(f"{label} {value} is in the future.")
    return parsed


def parse_int(value: str | None, label: str, *, maximum: int = SMALL_INT_MAX) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        number = int(Decimal(value))
    except (InvalidOperation, ValueError):
        raise RowProblem(f"{label} {value!r} is not a whole number.") from None
    if number < 0 or number > maximum:
        raise RowProblem(f"{label} {value} is out of range (0 to {maximum}).")
    return number


def parse_year(value: str | None, label: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        year = int(Decimal(value))
    except (InvalidOperation, ValueError):
        raise RowProblem(f"{label} {value!r} is not a year.") from None
    return year if -5000 <= year <= 2200 else None


def parse_rating(value: str | None, label: str, *, scale_max: int = 5) -> Decimal | None:
    """Stars, rounded to the nearest half (StoryGraph's 4.25 → 4.5); empty or 0 is unrated."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        stars = Decimal(value)
    except InvalidOperation:
        raise RowProblem(f"{label} {value!r} is not a number of stars.") from None
    if not stars.is_finite() or stars < 0 or stars > scale_max:
        raise RowProblem(f"{label} {value} is out of range (0 to {scale_max} stars).")
    halves = (stars * 2).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return (halves / 2).quantize(Decimal("0.1")) if halves else None


def parse_bool(value: str | None) -> bool:
    return (value or "").strip().lower() in {"true", "yes", "y", "1", "x"}


def review_text(value: str | None) -> str:
    """A review with Goodreads' `<br/>` line breaks as newlines."""
    body = _BR.sub("\n", clean_text(value))
    if len(body) > REVIEW_MAX:
        raise RowProblem(f"The review is longer than {REVIEW_MAX} characters.")
    return body.strip()


def names(value: str | None, sep: str = ",") -> list[str]:
    """Distinct non-empty names of a separated list, in order."""
    seen: dict[str, None] = {}
    for part in (value or "").split(sep):
        name = clean_text(part)
        if name:
            if len(name) > NAME_MAX:
                raise RowProblem(f"The name {name[:40]!r}… is longer than {NAME_MAX} characters.")
            seen.setdefault(name, None)
    return list(seen)


def list_names(value: str | None, sep: str = ",") -> list[str]:
    found = names(value.replace("\n", sep) if value else value, sep)
    for name in found:
        if len(name) > LIST_NAME_MAX:
            raise RowProblem(f"The shelf {name[:40]!r}… is longer than {LIST_NAME_MAX} characters.")
    return found


def titled(row: ImportRow, title: str) -> ImportRow:
    """Sets the row's title, splitting a Goodreads-style series suffix off it."""
    title = text(title, limit=TITLE_MAX, label="The title")
    if not title:
        raise RowProblem("The title is empty.")
    row.title, row.series, row.series_position = split_series(title)
    if row.series and len(row.series) > NAME_MAX:
        row.series, row.series_position = None, None
    return row


def check_dates(row: ImportRow) -> ImportRow:
    if row.started_at and row.finished_at and row.finished_at < row.started_at:
        raise RowProblem("The finish date is before the start date.")
    if row.status in (ReadingStatus.WANT_TO_READ,):
        row.started_at = row.finished_at = None  # "want to read" has no reading dates
    return row


# Shelf names (Goodreads' exclusive shelves, StoryGraph's read statuses, the generic CSV's
# `shelf`), compared in lower case with spaces and underscores as hyphens.
STATUS_BY_SHELF = {
    "read": ReadingStatus.READ,
    "currently-reading": ReadingStatus.READING,
    "reading": ReadingStatus.READING,
    "to-read": ReadingStatus.WANT_TO_READ,
    "want-to-read": ReadingStatus.WANT_TO_READ,
    "did-not-finish": ReadingStatus.DID_NOT_FINISH,
    "dnf": ReadingStatus.DID_NOT_FINISH,
    "abandoned": ReadingStatus.DID_NOT_FINISH,
    "paused": ReadingStatus.PAUSED,
    "on-hold": ReadingStatus.PAUSED,
}


def shelf_key(value: str | None) -> str:
    return re.sub(r"[\s_]+", "-", (value or "").strip().lower())


def format_of(binding: str | None) -> str:
    """A Goodreads binding or StoryGraph format as a `BookFormat` value ("" when unknown)."""
    value = (binding or "").strip().lower()
    if not value:
        return ""
    for needle, book_format in (
        ("hardcover", "hardcover"),
        ("paperback", "paperback"),
        ("kindle", "ebook"),
        ("ebook", "ebook"),
        ("digital", "ebook"),
        ("audio", "audiobook"),
    ):
        if needle in value:
            return book_format
    return "other"
