"""Which parser reads a file: from the format the reader chose, or detected from the header."""

import csv
import io
from collections.abc import Callable, Iterator

from apps.core.errors import Invalid
from apps.imports.formats import generic, goodreads, storygraph
from apps.imports.formats.rows import ImportRow, RowError
from apps.imports.models import ImportFormat

Parser = Callable[[str], Iterator[ImportRow | RowError]]
PARSERS: dict[str, Parser] = {
    ImportFormat.GOODREADS: goodreads.parse,
    ImportFormat.STORYGRAPH: storygraph.parse,
    ImportFormat.CSV: generic.parse,
}
EXPECTED = (
    "a Goodreads export (Book Id, Title, Author, …, My Rating, …, Exclusive Shelf, …), "
    "a StoryGraph export (Title, Authors, ISBN/UID, …, Read Status, …, Star Rating, …) "
    "or a CSV with a header row naming at least a `title` column (and any of author, isbn, "
    "isbn13, rating, shelf, review, date added, date finished)"
)


def decode(data: bytes) -> str:
    """The file as text: UTF-8 (with or without a byte-order mark), else Latin-1/Windows."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def header_of(text: str) -> list[str]:
    first = next(csv.reader(io.StringIO(text, newline="")), [])
    return [name.strip().lstrip("\ufeff") for name in first]


def detect(header: list[str]) -> str:
    """The format of a file with this header, or INVALID naming what was expected."""
    names = set(header)
    if names >= goodreads.SIGNATURE:
        return ImportFormat.GOODREADS
    if names >= storygraph.SIGNATURE:
        return ImportFormat.STORYGRAPH
    if "title" in generic.column_map(header):
        return ImportFormat.CSV
    shown = ", ".join(header[:8]) + (", …" if len(header) > 8 else "")
    raise Invalid(f"Unrecognised file: its header is [{shown}]; expected {EXPECTED}.", field="file")


def check(fmt: str, header: list[str]) -> str:
    """The parser format for `fmt` (AUTO detects it); INVALID when the header lacks columns."""
    if fmt == ImportFormat.AUTO:
        return detect(header)
    if fmt == ImportFormat.CSV:
        if "title" not in generic.column_map(header):
            raise Invalid("This CSV has no `title` column (see the README).", field="file")
        return fmt
    module = goodreads if fmt == ImportFormat.GOODREADS else storygraph
    missing = [name for name in module.COLUMNS if name in module.SIGNATURE and name not in header]
    if missing:
        raise Invalid(
            f"This is not a {ImportFormat(fmt).label}: the header lacks "
            f"{', '.join(missing)} (expected the columns {', '.join(module.COLUMNS)}).",
            field="file",
        )
    return fmt


def rows_of(fmt: str, text: str) -> Iterator[ImportRow | RowError]:
    return PARSERS[fmt](text)


def count_records(text: str) -> int:
    """How many records follow the header (multi-line quoted fields count once)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader, None)
    return sum(1 for values in reader if values)  # blank lines are not rows
