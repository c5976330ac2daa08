"""Goodreads' "Export Library" CSV: the current 24 columns and the older 31-column variant.

Columns are found by name, so the order and the older variant's extra columns (Recommended
For, Original Purchase Date, Condition, BCID…) do not matter.
"""

from collections.abc import Iterator

from apps.imports.formats.rows import (
    STATUS_BY_SHELF,
    ImportRow,
    RowError,
    check_dates,
    format_of,
    isbn_pair,
    list_names,
    names,
    parse_bool,
    parse_date,
    parse_int,
    parse_rating,
    parse_records,
    parse_year,
    review_text,
    shelf_key,
    text,
    titled,
)
from apps.reading.models import ReadingStatus

COLUMNS = [
    "Book Id",
    "Title",
    "Author",
    "Author l-f",
    "Additional Authors",
    "ISBN",
    "ISBN13",
    "My Rating",
    "Average Rating",
    "Publisher",
    "Binding",
    "Number of Pages",
    "Year Published",
    "Original Publication Year",
    "Date Read",
    "Date Added",
    "Bookshelves",
    "Bookshelves with positions",
    "Exclusive Shelf",
    "My Review",
    "Spoiler",
    "Private Notes",
    "Read Count",
    "Owned Copies",
]
OLD_EXTRA_COLUMNS = [
    "Recommended For",
    "Recommended By",
    "Original Purchase Date",
    "Original Purchase Location",
    "Condition",
    "Condition Description",
    "BCID",
]
# What identifies the format, and what a row cannot do without.
SIGNATURE = {"Book Id", "Title", "Author", "Exclusive Shelf", "My Rating"}
REQUIRED = {"Title"}


def parse(text_: str) -> Iterator[ImportRow | RowError]:
    return parse_records(text_, parse_row)


def parse_row(number: int, record: dict) -> ImportRow:
    get = record.get
    row = titled(ImportRow(row_number=number, raw=record), get("Title", ""))
    row.authors = names(get("Author")) + [
        name for name in names(get("Additional Authors")) if name not in names(get("Author"))
    ]
    row.isbn10, row.isbn13 = isbn_pair(get("ISBN13"), get("ISBN"))
    row.publisher = text(get("Publisher"), limit=255, label="The publisher")
    row.pages = parse_int(get("Number of Pages"), "Number of Pages", maximum=100_000) or None
    row.year = parse_year(get("Year Published"), "Year Published")
    row.original_year = parse_year(get("Original Publication Year"), "Original Publication Year")
    row.book_format = format_of(get("Binding"))
    row.rating = parse_rating(get("My Rating"), "My Rating")  # 0 means "not rated"
    row.date_added = parse_date(get("Date Added"), "Date Added")
    row.finished_at = parse_date(get("Date Read"), "Date Read")
    row.read_count = parse_int(get("Read Count"), "Read Count")
    row.owned_copies = parse_int(get("Owned Copies"), "Owned Copies")
    row.review = review_text(get("My Review"))
    row.spoiler = parse_bool(get("Spoiler"))
    row.private_notes = text(get("Private Notes"), limit=50_000, label="Private Notes")

    shelf = shelf_key(get("Exclusive Shelf"))
    shelves = list_names(get("Bookshelves"))
    row.status = STATUS_BY_SHELF.get(shelf)
    if row.status is None and shelf:
        # A custom exclusive shelf ("owned-unread") is a list; the book is read if it has a
        # read date, otherwise it waits on the want-to-read shelf.
        row.status = ReadingStatus.READ if row.finished_at else ReadingStatus.WANT_TO_READ
        custom = get("Exclusive Shelf").strip()
        shelves = shelves if custom in shelves else [custom, *shelves]
    # No exclusive shelf at all (BookNest's export of a book rated but never shelved): the
    # row rates, reviews and lists the book without shelving it.
    # The status shelves also appear among the Bookshelves: they are not lists.
    row.lists = [name for name in shelves if shelf_key(name) not in STATUS_BY_SHELF]
    if row.status not in (ReadingStatus.READ, ReadingStatus.DID_NOT_FINISH):
        row.finished_at = None  # only a finished read has a finish date
    return check_dates(row)
