"""Catalogue import from a goodbooks-10k style `books.csv` (see `manage.py import_catalog`).

The file is the source of the catalogue, read again whenever it is refreshed, so an import is
idempotent: books are matched by `goodreads_id` (then by ISBN-13) and updated in place, authors
by `Author.name_key`, series by `Series.name_key`. Rows are written in batches with bulk
queries (one transaction each); a batch the database refuses is replayed row by row, each in
its own savepoint, so the good rows land and the bad one is reported whole: a book never lands
without its authors.
"""

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DatabaseError, connection, transaction
from django.dispatch import Signal
from django.utils import timezone

from apps.catalog.catalog_csv import CatalogFileError, CatalogRow, RowIssue, read_catalog
from apps.catalog.editions import sync_books
from apps.catalog.models import (
    Author,
    AuthorRole,
    Book,
    BookAuthor,
    Edition,
    Series,
    sort_name_for,
)

# Fields an import owns on an existing book; `average_rating`/`ratings_count` are BookNest's own.
UPDATE_FIELDS = [
    "title",
    "original_title",
    "original_publication_year",
    "isbn10",
    "isbn13",
    "language",
    "goodreads_id",
    "series",
    "series_position",
    "source_ratings_count",
]
__all__ = ["CatalogFileError", "CatalogImporter", "ImportResult", "RowIssue"]
_LOOKUP_CHUNK = 900  # stays under SQLite's bound-parameter limit, whatever the batch size


# Sent after an import has written its rows (in bulk, so no model signals fired): apps above
# the catalogue (search) bring what they derive from books up to date. Argument: `result`.
catalog_imported = Signal()


@dataclass
class ImportResult:
    """What an import did: counters for the summary and every row problem, in file order."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    authors_created: int = 0
    series_created: int = 0
    issues: list[RowIssue] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def errors(self) -> list[RowIssue]:
        return [issue for issue in self.issues if issue.severity == "error"]

    @property
    def warnings(self) -> list[RowIssue]:
        return [issue for issue in self.issues if issue.severity == "warning"]


@dataclass
class _Outcome:
    """One write attempt; merged into the result and the caches only once it has committed."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    new_authors: dict[str, int] = field(default_factory=dict)
    new_series: dict[str, int] = field(default_factory=dict)
    issues: list[RowIssue] = field(default_factory=list)


class CatalogImporter:
    """Imports one catalogue file; `progress(n)` is told after each batch how many rows it read."""

    def __init__(
        self, batch_size: int = 1000, progress: Callable[[int], None] | None = None
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.batch_size = batch_size
        self.progress = progress
        self._author_ids: dict[str, int] = {}  # name_key → id, for authors seen in this run
        self._series_ids: dict[str, int] = {}

    def run(self, path: str | Path) -> ImportResult:
        """Imports `path`; raises `CatalogFileError` when the file is not a catalogue at all."""
        started = time.perf_counter()
        result = ImportResult()
        for batch, issues, read in _batches(read_catalog(path), self.batch_size):
            result.rows += read
            result.issues.extend(issues)
            result.failed += sum(1 for issue in issues if issue.severity == "error")
            if batch:
                self._write_batch(batch, result)
            if self.progress:
                self.progress(read)
        result.issues.sort(key=lambda issue: issue.row)
        if result.created or result.updated:
            catalog_imported.send(CatalogImporter, result=result)
        result.elapsed = time.perf_counter() - started
        return result

    def _write_batch(self, rows: list[CatalogRow], result: ImportResult) -> None:
        try:
            with transaction.atomic():
                outcome = self._write(rows)
        except (DatabaseError, ValueError):
            # Replay row by row so one bad row costs only itself.
            for row in rows:
                try:
                    with transaction.atomic():
                        outcome = self._write([row])
                except (DatabaseError, ValueError) as exc:
                    message = " ".join(str(exc).split()) or type(exc).__name__
                    result.issues.append(RowIssue(row.row, row.line, f"not saved: {message}"))
                    result.failed += 1
                else:
                    self._commit(outcome, result)
        else:
            self._commit(outcome, result)

    def _commit(self, outcome: _Outcome, result: ImportResult) -> None:
        self._author_ids.update(outcome.new_authors)
        self._series_ids.update(outcome.new_series)
        result.created += outcome.created
        result.updated += outcome.updated
        result.unchanged += outcome.unchanged
        result.authors_created += len(outcome.new_authors)
        result.series_created += len(outcome.new_series)
        result.issues.extend(outcome.issues)

    def _write(self, rows: list[CatalogRow]) -> _Outcome:
        outcome = _Outcome()
        author_ids = self._ensure_authors(rows, outcome)
        series_ids = self._ensure_series(rows, outcome)
        by_gid = {
            book.goodreads_id: book
            for book in _in_chunks(
                Book.objects.only(*_BOOK_COLUMNS), "goodreads_id", [r.goodreads_id for r in rows]
            )
        }
        isbn_owner, not_default = _isbn_owners(rows)
        now = timezone.now()
        to_create: list[tuple[Book, CatalogRow]] = []
        to_update: list[tuple[Book, CatalogRow, bool]] = []
        for row in rows:
            book = by_gid.get(row.goodreads_id)
            if book is None and row.isbn13:
                # An ISBN match counts only for a book no Goodreads id has claimed yet.
                candidate = isbn_owner.get(row.isbn13) or isbn_owner.get(row.isbn10)
                if candidate is not None and not candidate.goodreads_id:
                    book = candidate
            isbn10, isbn13 = row.isbn10, row.isbn13
            owners = {isbn_owner[isbn] for isbn in (isbn10, isbn13) if isbn in isbn_owner}
            others = [owner for owner in owners if owner != book]
            if others:
                outcome.issues.append(
                    row.warn(
                        f"ISBN {isbn13 or isbn10} already belongs to book {others[0].pk} "
                        f"({others[0].title!r}); imported without it"
                    )
                )
                isbn10 = isbn13 = ""
            elif owners and (isbn13 in not_default or isbn10 in not_default):
                isbn10 = isbn13 = ""  # another edition of this book: the default keeps its own
            series_id = series_ids.get(row.series_key) if row.series_key else None
            if book is None:
                book = Book(title=row.title, goodreads_id=row.goodreads_id)
                _apply(book, row, series_id, isbn10, isbn13)
                to_create.append((book, row))
            else:
                changed = _apply(book, row, series_id, isbn10, isbn13)
                to_update.append((book, row, changed))
        Book.objects.bulk_create([book for book, _ in to_create], batch_size=self.batch_size)
        links_changed = _sync_authors(to_create, to_update, author_ids)
        changed_books = []
        for book, _row, changed in to_update:
            if changed or book.pk in links_changed:
                book.updated_at = now
                changed_books.append(book)
        _bulk_update(Book, changed_books, [*UPDATE_FIELDS, "updated_at"])
        sync_books([book.pk for book, _ in to_create] + [book.pk for book in changed_books])
        outcome.created = len(to_create)
        outcome.updated = len(changed_books)
        outcome.unchanged = len(to_update) - len(changed_books)
        return outcome

    def _ensure_authors(self, rows: list[CatalogRow], outcome: _Outcome) -> dict[str, int]:
        names: dict[str, str] = {}
        for row in rows:
            for key, name in row.authors:
                names.setdefault(key, name)  # the first spelling met names a new author
        ids = {key: self._author_ids[key] for key in names if key in self._author_ids}
        missing = [key for key in names if key not in ids]
        # name_key is not unique: the oldest author under a key is the one imports reuse.
        for key, pk in _in_chunks(
            Author.objects.order_by("-id").values_list("name_key", "id"), "name_key", missing
        ):
            ids[key] = pk
        self._author_ids.update(ids)
        new = [
            Author(name=names[key], name_key=key, sort_name=sort_name_for(names[key]))
            for key in names
            if key not in ids
        ]
        Author.objects.bulk_create(new, batch_size=self.batch_size)
        outcome.new_authors = {author.name_key: author.pk for author in new}
        return ids | outcome.new_authors

    def _ensure_series(self, rows: list[CatalogRow], outcome: _Outcome) -> dict[str, int]:
        names: dict[str, str] = {}
        for row in rows:
            if row.series_key:
                names.setdefault(row.series_key, row.series)
        ids = {key: self._series_ids[key] for key in names if key in self._series_ids}
        missing = [key for key in names if key not in ids]
        ids.update(_in_chunks(Series.objects.values_list("name_key", "id"), "name_key", missing))
        self._series_ids.update(ids)
        new = [Series(name=names[key], name_key=key) for key in names if key not in ids]
        Series.objects.bulk_create(new, batch_size=self.batch_size)
        outcome.new_series = {series.name_key: series.pk for series in new}
        return ids | outcome.new_series


_BOOK_COLUMNS = ["id", "title", *UPDATE_FIELDS]


def _batches(
    records: Iterable[CatalogRow | RowIssue], size: int
) -> Iterator[tuple[list[CatalogRow], list[RowIssue], int]]:
    """Groups parsed rows by `size`, with the issues met and the number of rows read meanwhile."""
    batch: list[CatalogRow] = []
    issues: list[RowIssue] = []
    read = 0
    for record in records:
        read += 1
        if isinstance(record, RowIssue):  # a row that could not be read
            issues.append(record)
            continue
        issues.extend(record.issues)
        batch.append(record)
        if len(batch) >= size:
            yield batch, issues, read
            batch, issues, read = [], [], 0
    if batch or issues or read:
        yield batch, issues, read


def _in_chunks(queryset, column: str, values: list) -> Iterator:
    for start in range(0, len(values), _LOOKUP_CHUNK):
        yield from queryset.filter(**{f"{column}__in": values[start : start + _LOOKUP_CHUNK]})


def _isbn_owners(rows: list[CatalogRow]) -> tuple[dict[str, Book], set[str]]:
    """The books any of whose editions hold one of the rows' ISBNs, by ISBN (both spellings),
    and those ISBNs that are not their book's default edition's."""
    book_of: dict[str, int] = {}
    not_default: set[str] = set()
    for column in ("isbn10", "isbn13"):
        values = [getattr(row, column) for row in rows if getattr(row, column)]
        editions = Edition.objects.only("book_id", "is_default", column)
        for edition in _in_chunks(editions, column, values):
            book_of[getattr(edition, column)] = edition.book_id
            if not edition.is_default:
                not_default.add(getattr(edition, column))
        # Books saved without editions (before editions, or by hand) answer by their own ISBNs.
        for book_id, isbn in _in_chunks(
            Book.objects.filter(editions__isnull=True).values_list("id", column), column, values
        ):
            book_of.setdefault(isbn, book_id)
    books = {
        book.pk: book
        for book in _in_chunks(Book.objects.only(*_BOOK_COLUMNS), "pk", list(set(book_of.values())))
    }
    return {isbn: books[pk] for isbn, pk in book_of.items()}, not_default


def _apply(book: Book, row: CatalogRow, series_id: int | None, isbn10: str, isbn13: str) -> bool:
    """Sets the row's values on `book`; True when one changed. Empty values keep what is there."""
    values: dict = {"title": row.title, "goodreads_id": row.goodreads_id}
    if row.original_title:
        values["original_title"] = row.original_title
    if isbn13:
        values |= {"isbn10": isbn10, "isbn13": isbn13}
    if row.original_publication_year is not None:
        values["original_publication_year"] = row.original_publication_year
    if row.language:
        values["language"] = row.language
    if series_id is not None:
        values |= {"series_id": series_id, "series_position": row.series_position}
    if row.source_ratings_count is not None:
        values["source_ratings_count"] = row.source_ratings_count
    changed = False
    for name, value in values.items():
        if getattr(book, name) != value:
            setattr(book, name, value)
            changed = True
    return changed


def _sync_authors(
    created: list[tuple[Book, CatalogRow]],
    updated: list[tuple[Book, CatalogRow, bool]],
    author_ids: dict[str, int],
) -> set[int]:
    """Makes each book's "author" links follow the row's byline; returns the books it changed.

    Links with other roles (translators, illustrators added by librarians) are left alone, and
    a row without authors leaves a book's byline as it is.
    """
    wanted = {
        book.pk: [author_ids[key] for key, _ in row.authors]
        for book, row, *_ in [*created, *updated]
        if row.authors
    }
    existing: dict[int, dict[int, tuple[int, int]]] = {}
    updated_ids = [book.pk for book, _, _ in updated if book.pk in wanted]
    for start in range(0, len(updated_ids), _LOOKUP_CHUNK):
        links = BookAuthor.objects.filter(
            book_id__in=updated_ids[start : start + _LOOKUP_CHUNK], role=AuthorRole.AUTHOR
        ).values_list("id", "book_id", "author_id", "position")
        for pk, book_id, author_id, position in links:
            existing.setdefault(book_id, {})[author_id] = (pk, position)
    to_create, to_move, to_delete, changed = [], [], [], set()
    for book_id, author_list in wanted.items():
        current = existing.get(book_id, {})
        for position, author_id in enumerate(author_list):
            if author_id not in current:
                to_create.append(
                    BookAuthor(book_id=book_id, author_id=author_id, position=position)
                )
            elif current[author_id][1] != position:
                to_move.append(BookAuthor(pk=current[author_id][0], position=position))
            else:
                continue
            changed.add(book_id)
        stale = [pk for author_id, (pk, _) in current.items() if author_id not in author_list]
        if stale:
            to_delete.extend(stale)
            changed.add(book_id)
    for start in range(0, len(to_delete), _LOOKUP_CHUNK):
        BookAuthor.objects.filter(pk__in=to_delete[start : start + _LOOKUP_CHUNK]).delete()
    _bulk_update(BookAuthor, to_move, ["position"])
    BookAuthor.objects.bulk_create(to_create, batch_size=1000)
    return changed


def _bulk_update(model, objs: list, fields: list[str]) -> None:
    """Saves `fields` of `objs` with one `WITH v AS (VALUES …) UPDATE … FROM v` per chunk.

    Django's `bulk_update` writes a `CASE WHEN id = … THEN …` per field and row: refreshing
    the 10,000 goodbooks rows took 25 s with it, mostly building those expressions in Python.
    """
    if not objs:
        return
    quote = connection.ops.quote_name
    columns = [model._meta.pk, *(model._meta.get_field(name) for name in fields)]
    names = ", ".join(quote(column.column) for column in columns)
    if connection.vendor == "postgresql":  # a VALUES column of bare parameters is text there
        cell = ", ".join(f"CAST(%s AS {column.db_type(connection)})" for column in columns)
    else:
        cell = ", ".join(["%s"] * len(columns))
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    assignments = ", ".join(f"{quote(c.column)} = v.{quote(c.column)}" for c in columns[1:])
    size = connection.ops.bulk_batch_size(["pk", *fields], objs) or len(objs)
    with connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            chunk = objs[start : start + size]
            params = [
                column.get_db_prep_save(getattr(obj, column.attname), connection)
                for obj in chunk
                for column in columns
            ]
            values = ", ".join([f"({cell})"] * len(chunk))
            cursor.execute(
                f"WITH v ({names}) AS (VALUES {values}) "  # noqa: S608 - names from the model
                f"UPDATE {table} SET {assignments} FROM v WHERE {table}.{pk} = v.{pk}",
                params,
            )
