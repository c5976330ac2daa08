"""A plain CSV of books, for readers coming from anywhere else (and BookNest's own CSV export).

Headers are matched without regard to case, spaces, hyphens or underscores (`Date Added`,
`date_added`); only `title` is required. Columns (see the README):

title · author or authors (several separated by `;`) · isbn · isbn13 · rating (0.5–5, half
steps; empty or 0 = unrated) · shelf or status (read, currently-reading, to-read, paused,
did-not-finish) · review · date added · date started · date finished (or date read) · read
count · owned copies · lists (separated by `;`) · private notes · spoiler (true/false).
"""

import re
from collections.abc import Iterator

from apps.imports.formats.rows import (
    STATUS_BY_SHELF,
    ImportRow,
    RowError,
    RowProblem,
    check_dates,
    isbn_pair,
    list_names,
    names,
    parse_bool,
    parse_date,
    parse_int,
    parse_rating,
    records,
    review_text,
    shelf_key,
    text,
    titled,
)
from apps.reading.models import ReadingStatus

# Canonical column → the folded header spellings accepted for it.
ALIASES = {
    "title": ["title"],
    "authors": ["authors", "author"],
    "isbn": ["isbn", "isbn10"],
    "isbn13": ["isbn13"],
    "rating": ["rating", "myrating", "stars"],
    "shelf": ["shelf", "status", "readstatus"],
    "review": ["review", "myreview"],
    "date_added": ["dateadded", "added"],
    "date_started": ["datestarted", "started"],
    "date_finished": ["datefinished", "dateread", "finished"],
    "read_count": ["readcount"],
    "owned_copies": ["ownedcopies", "owned"],
    "lists": ["lists", "tags", "shelves"],
    "private_notes": ["privatenotes", "notes"],
    "spoiler": ["spoiler"],
}
COLUMNS = [
    "title",
    "authors",
    "isbn",
    "isbn13",
    "rating",
    "shelf",
    "review",
    "date_added",
    "date_started",
    "date_finished",
    "read_count",
    "owned_copies",
    "lists",
    "private_notes",
    "spoiler",
]
REQUIRED = {"title"}


def fold(header: str) -> str:
    return re.sub(r"[\s_\-?]+", "", header.strip().lower())


def column_map(header: list[str]) -> dict[str, str]:
    """{canonical column: the file's header} for the headers this format knows."""
    by_fold = {fold(name): name for name in header}
    found = {}
    for column, spellings in ALIASES.items():
        for spelling in spellings:
            if spelling in by_fold:
                found[column] = by_fold[spelling]
                break
    return found


def parse(text_: str) -> Iterator[ImportRow | RowError]:
    header, rows = records(text_)
    columns = column_map(header)
    for number, record in rows:
        if isinstance(record, RowError):
            yield record
            continue
        try:
            yield parse_row(number, {c: record.get(h, "") for c, h in columns.items()}, record)
        except RowProblem as problem:
            yield RowError(number, str(problem), record)


def parse_row(number: int, values: dict, record: dict) -> ImportRow:
    get = values.get
    row = titled(ImportRow(row_number=number, raw=record), get("title", ""))
    row.authors = names(get("authors"), ";")
    row.isbn10, row.isbn13 = isbn_pair(get("isbn13"), get("isbn"))
    row.rating = parse_rating(get("rating"), "rating")
    shelf = shelf_key(get("shelf"))
    row.status = STATUS_BY_SHELF.get(shelf)
    if shelf and row.status is None:
        expected = "read, currently-reading, to-read, paused, did-not-finish"
        raise RowProblem(f"shelf {get('shelf')!r} is not one of {expected}.")
    row.review = review_text(get("review"))
    row.date_added = parse_date(get("date_added"), "date added")
    row.started_at = parse_date(get("date_started"), "date started")
    row.finished_at = parse_date(get("date_finished"), "date finished")
    row.read_count = parse_int(get("read_count"), "read count")
    row.owned_copies = parse_int(get("owned_copies"), "owned copies")
    row.lists = list_names(get("lists"), ";")
    row.private_notes = text(get("private_notes"), limit=50_000, label="private notes")
    row.spoiler = parse_bool(get("spoiler"))
    if row.status is None and "shelf" not in values:
        # No shelf column at all: a list of books read (with a finish date) or to read. An
        # empty shelf in a file that has the column means "not on a shelf" (rated only).
        row.status = ReadingStatus.READ if row.finished_at else ReadingStatus.WANT_TO_READ
    if row.status not in (ReadingStatus.READ, ReadingStatus.DID_NOT_FINISH):
        row.finished_at = None
    return check_dates(row)
