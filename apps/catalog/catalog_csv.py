"""Rows of a goodbooks-10k `books.csv`, read into clean values ready for the catalogue.

The file is what Goodreads data looks like after a trip through a spreadsheet: ISBN-10s lost
their leading zeros, ISBN-13s are floats that lost their last digits (so they are never read:
ISBN-13 is derived from the ISBN-10), years are floats and may be negative (BCE), titles carry
their series. Every problem becomes a `RowIssue` naming the row: an error when the row cannot
be imported, a warning when it is imported without the offending value.
"""

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from apps.catalog import isbn
from apps.catalog.models import Author, Book
from apps.catalog.series import split_series
from apps.core.text import clean_text, name_key

COLUMNS = (
    "goodreads_book_id",
    "isbn",
    "authors",
    "original_publication_year",
    "original_title",
    "title",
    "language_code",
    "ratings_count",
)
MAX_TITLE = Book._meta.get_field("title").max_length
MAX_NAME = Author._meta.get_field("name").max_length  # Series.name has the same
MAX_LANGUAGE = Book._meta.get_field("language").max_length

# ISO 639-2 codes (bibliographic and terminology forms) → the ISO 639-1 code BCP 47 prefers.
# Codes without a two-letter form ("fil", "mul") are valid BCP 47 tags as they are.
ISO_639_2_TO_1 = {
    "ara": "ar", "chi": "zh", "zho": "zh", "cze": "cs", "ces": "cs", "dan": "da", "dut": "nl",
    "nld": "nl", "eng": "en", "fin": "fi", "fre": "fr", "fra": "fr", "ger": "de", "deu": "de",
    "gre": "el", "ell": "el", "heb": "he", "hin": "hi", "hun": "hu", "ind": "id", "ita": "it",
    "jpn": "ja", "kor": "ko", "nor": "no", "per": "fa", "fas": "fa", "pol": "pl", "por": "pt",
    "rum": "ro", "ron": "ro", "rus": "ru", "spa": "es", "swe": "sv", "tur": "tr", "ukr": "uk",
    "vie": "vi",
}  # fmt: skip
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*$")
_FLOAT_ZERO = re.compile(r"^(\d+)\.0+$")


class CatalogFileError(ValueError):
    """The file cannot be read as a catalogue at all (missing, empty, wrong columns)."""


@dataclass(frozen=True)
class RowIssue:
    """A problem with one row. `row` counts data rows from 1 (the header is not a row);
    `line` is the file line the row starts on (they differ once a field spans lines)."""

    row: int
    line: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"row {self.row} (line {self.line}): {self.severity}: {self.message}"


@dataclass
class CatalogRow:
    """One readable row, its values cleaned; `authors` is `(name_key, name)` in byline order."""

    row: int
    line: int
    goodreads_id: str
    title: str
    original_title: str = ""  # the title in the original language, when it differs
    series: str | None = None
    series_key: str = ""
    series_position: Decimal | None = None
    authors: list[tuple[str, str]] = field(default_factory=list)
    isbn10: str = ""
    isbn13: str = ""
    original_publication_year: int | None = None
    language: str = ""
    source_ratings_count: int | None = None
    issues: list[RowIssue] = field(default_factory=list)

    def warn(self, message: str) -> RowIssue:
        return RowIssue(self.row, self.line, message, "warning")


class _RowError(Exception):
    """Why a row cannot be imported."""


def read_catalog(path: str | Path) -> Iterator[CatalogRow | RowIssue]:
    """Each row of the file as a `CatalogRow`, or as an error `RowIssue` when it cannot be read.

    Repeats within the file are settled here, in file order: a second row with the same
    Goodreads id is an error; a second row with the same ISBN is imported without it.
    """
    path = Path(path)
    try:
        # Undecodable bytes become U+FFFD (and a warning) instead of stopping the import.
        handle = path.open(encoding="utf-8-sig", errors="replace", newline="")
    except OSError as exc:
        raise CatalogFileError(f"cannot open {path}: {exc.strerror or exc}") from exc
    with handle:
        reader = csv.reader(handle)
        try:
            header = [clean_text(name) for name in next(reader)]
        except (StopIteration, csv.Error) as exc:
            raise CatalogFileError(f"{path} has no CSV header") from exc
        missing = [name for name in COLUMNS if name not in header]
        if missing:
            raise CatalogFileError(
                f"{path} is not a goodbooks-10k books.csv: no column {', '.join(missing)}"
            )
        index = {name: header.index(name) for name in COLUMNS}
        goodreads_rows: dict[str, int] = {}
        isbn_rows: dict[str, int] = {}
        row, line = 0, reader.line_num + 1
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # e.g. a field over csv.field_size_limit()
                row += 1
                yield RowIssue(row, line, f"unreadable CSV: {exc}")
                line = reader.line_num + 1
                continue
            if not fields:  # a blank line is not a row
                line = reader.line_num + 1
                continue
            row += 1
            try:
                if len(fields) != len(header):
                    raise _RowError(f"{len(fields)} fields where the header has {len(header)}")
                parsed = _parse(row, line, {name: fields[i] for name, i in index.items()})
                if "\ufffd" in "".join(fields):
                    parsed.issues.append(parsed.warn("bytes that are not UTF-8 were replaced"))
                first = goodreads_rows.setdefault(parsed.goodreads_id, row)
                if first != row:
                    raise _RowError(f"goodreads_book_id {parsed.goodreads_id} repeats row {first}")
            except _RowError as exc:
                yield RowIssue(row, line, str(exc))
            else:
                if parsed.isbn13:
                    first = isbn_rows.setdefault(parsed.isbn13, row)
                    if first != row:
                        parsed.issues.append(
                            parsed.warn(
                                f"ISBN {parsed.isbn13} repeats row {first}; imported without it"
                            )
                        )
                        parsed.isbn10 = parsed.isbn13 = ""
                yield parsed
            line = reader.line_num + 1


def _parse(row: int, line: int, raw: dict[str, str]) -> CatalogRow:
    goodreads_id = _integer(raw["goodreads_book_id"], "goodreads_book_id", 1, 10**18)
    if goodreads_id is None:
        raise _RowError("missing goodreads_book_id")
    full_title = _one_line(raw["title"]) or _one_line(raw["original_title"])
    if not full_title:
        raise _RowError("missing title (title and original_title are empty)")
    title, series, position = split_series(full_title)
    if len(title) > MAX_TITLE:
        raise _RowError(f"title is {len(title)} characters long, over the {MAX_TITLE} allowed")
    parsed = CatalogRow(row, line, str(goodreads_id), title)
    original = _one_line(raw["original_title"])
    if original and len(original) <= MAX_TITLE and original != title and original != full_title:
        parsed.original_title = original
    if series:
        if len(series) > MAX_NAME or not name_key(series):
            parsed.issues.append(parsed.warn(f"unusable series name {_short(series)}; left out"))
        else:
            parsed.series, parsed.series_key = series, name_key(series)
            parsed.series_position = position
    parsed.authors = _authors(parsed, raw["authors"])
    parsed.isbn10, parsed.isbn13 = _isbns(parsed, raw["isbn"])
    parsed.original_publication_year = _integer(
        raw["original_publication_year"], "original_publication_year", -32768, 32767
    )
    parsed.language = _language(parsed, raw["language_code"])
    parsed.source_ratings_count = _integer(raw["ratings_count"], "ratings_count", 0, 2**31 - 1)
    return parsed


def _authors(parsed: CatalogRow, value: str) -> list[tuple[str, str]]:
    authors: dict[str, str] = {}
    for part in clean_text(value).split(","):
        name = _one_line(part)
        if not name:
            continue
        if len(name) > MAX_NAME:
            raise _RowError(f"author name is {len(name)} characters long, over the {MAX_NAME}")
        key = name_key(name)
        if not key:
            parsed.issues.append(parsed.warn(f"author {_short(name)} has no letters; left out"))
            continue
        authors.setdefault(key, name)  # a name repeated in one byline counts once
    if not authors:
        parsed.issues.append(parsed.warn("no authors"))
    return list(authors.items())


def _isbns(parsed: CatalogRow, value: str) -> tuple[str, str]:
    """`(isbn10, isbn13)` from the `isbn` column, restoring the zeros a spreadsheet dropped."""
    text = clean_text(value)
    if not text:
        return "", ""
    float_zero = _FLOAT_ZERO.match(text)  # 439023483.0: a spreadsheet made it a number
    digits = isbn.clean(float_zero[1] if float_zero else text)
    if len(digits) == 13:
        isbn10, isbn13 = isbn.normalize(digits)
    else:
        isbn10 = isbn.restore_isbn10(digits)
        isbn13 = isbn.isbn10_to_isbn13(isbn10) if isbn10 else ""
    if not isbn13:
        parsed.issues.append(
            parsed.warn(f"ISBN {_short(text)} fails its check digit; imported without it")
        )
    return isbn10, isbn13


def _language(parsed: CatalogRow, value: str) -> str:
    """A BCP 47 tag: `eng` → `en`, `en-us` → `en-US`; unknown codes are kept as they are."""
    code = clean_text(value)
    if not code:
        return ""
    if len(code) > MAX_LANGUAGE or not _LANGUAGE_TAG.match(code):
        parsed.issues.append(parsed.warn(f"language code {_short(code)} is not a language tag"))
        return ""
    primary, *subtags = re.split(r"[-_]", code)
    primary = ISO_639_2_TO_1.get(primary.lower(), primary.lower())
    for i, subtag in enumerate(subtags):
        if len(subtag) == 2 and subtag.isalpha():
            subtags[i] = subtag.upper()  # region
        elif len(subtag) == 4 and subtag.isalpha():
            subtags[i] = subtag.title()  # script
        else:
            subtags[i] = subtag.lower()
    return "-".join([primary, *subtags])


def _integer(value: str, column: str, low: int, high: int) -> int | None:
    """A whole number, also in the float notation spreadsheets write (`2008.0`); None if empty."""
    text = clean_text(value)
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise _RowError(f"{column} {_short(text)} is not a number") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise _RowError(f"{column} {_short(text)} is not a whole number")
    if number.adjusted() > 18 or not low <= int(number) <= high:
        raise _RowError(f"{column} {_short(text)} is out of range ({low} to {high})")
    return int(number)


def _one_line(value: str) -> str:
    return " ".join(clean_text(value).split())


def _short(value: str, limit: int = 40) -> str:
    return repr(value if len(value) <= limit else value[:limit] + "…")
