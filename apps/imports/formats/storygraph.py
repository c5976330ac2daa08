"""The StoryGraph export CSV.

Its quirks: decimal star ratings (rounded here to the nearest half star), authors joined by
commas, an `ISBN/UID` column that holds StoryGraph's own id when the edition has no ISBN,
`Owned?` as Yes/No, tags (each becomes a reading list) and `Dates Read` as ranges
(`2023/01/02-2023/01/20`, several joined by commas; the last one is the current read).
"""

from collections.abc import Iterator

from apps.imports.formats.rows import (
    STATUS_BY_SHELF,
    ImportRow,
    RowError,
    RowProblem,
    check_dates,
    format_of,
    isbn_pair,
    list_names,
    names,
    parse_date,
    parse_int,
    parse_rating,
    parse_records,
    review_text,
    shelf_key,
    titled,
)
from apps.reading.models import ReadingStatus

COLUMNS = [
    "Title",
    "Authors",
    "Contributors",
    "ISBN/UID",
    "Format",
    "Read Status",
    "Date Added",
    "Last Date Read",
    "Dates Read",
    "Read Count",
    "Moods",
    "Pace",
    "Character- or Plot-Driven?",
    "Strong Character Development?",
    "Loveable Characters?",
    "Diverse Characters?",
    "Flawed Characters?",
    "Star Rating",
    "Review",
    "Content Warnings",
    "Content Warning Description",
    "Tags",
    "Owned?",
]
SIGNATURE = {"Title", "Authors", "ISBN/UID", "Read Status", "Star Rating"}
REQUIRED = {"Title"}


def parse(text_: str) -> Iterator[ImportRow | RowError]:
    return parse_records(text_, parse_row)


def _last_range(value: str | None):
    """(start, end) of the last `start-end` range of `Dates Read`."""
    ranges = [part.strip() for part in (value or "").split(",") if part.strip()]
    if not ranges:
        return None, None
    start, _, end = ranges[-1].partition("-")
    return parse_date(start, "Dates Read"), parse_date(end, "Dates Read")


def parse_row(number: int, record: dict) -> ImportRow:
    get = record.get
    row = titled(ImportRow(row_number=number, raw=record), get("Title", ""))
    row.authors = names(get("Authors"))
    row.isbn10, row.isbn13 = isbn_pair(get("ISBN/UID"))
    row.book_format = format_of(get("Format"))
    status = shelf_key(get("Read Status"))
    row.status = STATUS_BY_SHELF.get(status)
    if status and row.status is None:
        raise RowProblem(f"Read Status {get('Read Status')!r} is not a StoryGraph status.")
    row.date_added = parse_date(get("Date Added"), "Date Added")
    row.started_at, row.finished_at = _last_range(get("Dates Read"))
    row.finished_at = parse_date(get("Last Date Read"), "Last Date Read") or row.finished_at
    row.read_count = parse_int(get("Read Count"), "Read Count")
    row.rating = parse_rating(get("Star Rating"), "Star Rating")
    row.review = review_text(get("Review"))
    row.lists = list_names(get("Tags"))
    owned = (get("Owned?") or "").strip().lower()
    row.owned_copies = 1 if owned == "yes" else 0 if owned == "no" else None
    if row.status is None:
        row.status = ReadingStatus.READ if row.finished_at else ReadingStatus.WANT_TO_READ
    if row.status not in (ReadingStatus.READ, ReadingStatus.DID_NOT_FINISH):
        row.finished_at = None
    return check_dates(row)
