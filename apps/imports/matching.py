"""Finding the catalogue book of each row, and adding the books the catalogue lacks.

A row matches, in order: a book with its ISBN-13, then with its ISBN-10, then a book whose
normalised title (`name_key`, series suffix removed) and one of whose authors' normalised names
equal the row's. Rows that match nothing become new catalogue books (with their authors and
series), enriched from Open Library when `OPENLIBRARY_ENABLED`, and are recorded as
`ImportedBook`s for librarians to review. Rows of one batch naming the same new book share it.
"""

from collections.abc import Callable

from django.db.models.functions import Lower

from apps.catalog.models import Author, Book, BookAuthor, Series, sort_name_for
from apps.core.text import name_key
from apps.imports.formats.rows import ImportRow
from apps.imports.models import ImportedBook

# Enrichment hook: fills blank fields of new books from an outside source, by ISBN-13.
Enricher = Callable[[list[tuple[ImportRow, Book]]], None]


def title_author_key(row: ImportRow) -> tuple[str, str]:
    return name_key(row.title), name_key(row.authors[0]) if row.authors else ""


def match_books(rows: list[ImportRow]) -> dict[int, int]:
    """{row number: book id} for the rows some catalogue book matches."""
    matched: dict[int, int] = {}
    by13 = dict(
        Book.objects.filter(isbn13__in={r.isbn13 for r in rows if r.isbn13}).values_list(
            "isbn13", "id"
        )
    )
    by10 = dict(
        Book.objects.filter(isbn10__in={r.isbn10 for r in rows if r.isbn10}).values_list(
            "isbn10", "id"
        )
    )
    rest = []
    for row in rows:
        book_id = by13.get(row.isbn13) if row.isbn13 else None
        book_id = book_id or (by10.get(row.isbn10) if row.isbn10 else None)
        if book_id:
            matched[row.row_number] = book_id
        else:
            rest.append(row)
    if rest:
        matched.update(_match_by_title(rest))
    return matched


def _match_by_title(rows: list[ImportRow]) -> dict[int, int]:
    # Candidates by lower-cased title (an indexed lookup), then compared on the folded keys.
    candidates = list(
        Book.objects.annotate(lower_title=Lower("title"))
        .filter(lower_title__in={row.title.lower() for row in rows})
        .order_by("id")
        .values_list("id", "title")
    )
    if not candidates:
        return {}
    authors: dict[int, set[str]] = {}
    for book_id, key in BookAuthor.objects.filter(
        book_id__in=[c[0] for c in candidates]
    ).values_list("book_id", "author__name_key"):
        authors.setdefault(book_id, set()).add(key)
    by_title: dict[str, list[int]] = {}
    for book_id, title in candidates:
        by_title.setdefault(name_key(title), []).append(book_id)
    matched = {}
    for row in rows:
        ids = by_title.get(name_key(row.title), [])
        row_authors = {name_key(a) for a in row.authors}
        for book_id in ids:  # oldest first: the catalogue's original over later duplicates
            if row_authors & authors.get(book_id, set()) or (not row_authors and len(ids) == 1):
                matched[row.row_number] = book_id
                break
    return matched


def _identity(row: ImportRow) -> tuple:
    return ("isbn", row.isbn13) if row.isbn13 else ("title", *title_author_key(row))


def create_books(job, rows: list[ImportRow], enrich: Enricher | None = None) -> dict[int, int]:
    """New catalogue books for unmatched rows: {row number: book id}."""
    firsts: dict[tuple, ImportRow] = {}
    for row in rows:
        firsts.setdefault(_identity(row), row)
    pairs = [(row, _new_book(row)) for row in firsts.values()]
    if enrich:
        enrich(pairs)
    series_ids = _ensure_series([row for row, _ in pairs])
    for row, book in pairs:
        if row.series:
            book.series_id = series_ids[name_key(row.series)]
            book.series_position = row.series_position
    Book.objects.bulk_create([book for _, book in pairs])
    author_ids = _ensure_authors([row for row, _ in pairs])
    BookAuthor.objects.bulk_create(
        [
            BookAuthor(book_id=book.pk, author_id=author_ids[name_key(name)], position=position)
            for row, book in pairs
            for position, name in enumerate(dict.fromkeys(row.authors, None))
            if name_key(name) in author_ids
        ],
        ignore_conflicts=True,  # two spellings of one author in a byline
    )
    ImportedBook.objects.bulk_create([ImportedBook(book_id=book.pk, job=job) for _, book in pairs])
    ids = {_identity(row): book.pk for row, book in pairs}
    return {row.row_number: ids[_identity(row)] for row in rows}


def _new_book(row: ImportRow) -> Book:
    return Book(
        title=row.title,
        isbn10=row.isbn10,
        isbn13=row.isbn13,
        publisher=row.publisher,
        pages=row.pages,
        publication_year=row.year,
        original_publication_year=row.original_year,
        format=row.book_format,
    )


def _ensure_series(rows: list[ImportRow]) -> dict[str, int]:
    names = {name_key(row.series): row.series for row in rows if row.series}
    ids = dict(Series.objects.filter(name_key__in=names).values_list("name_key", "id"))
    new = [Series(name=name, name_key=key) for key, name in names.items() if key not in ids]
    Series.objects.bulk_create(new)
    return ids | {series.name_key: series.pk for series in new}


def _ensure_authors(rows: list[ImportRow]) -> dict[str, int]:
    names: dict[str, str] = {}
    for row in rows:
        for name in row.authors:
            names.setdefault(name_key(name), name)
    # name_key is not unique: the oldest author under a key is the one imports reuse.
    ids: dict[str, int] = {}
    for key, pk in (
        Author.objects.filter(name_key__in=names).order_by("-id").values_list("name_key", "id")
    ):
        ids[key] = pk
    new = [
        Author(name=name, name_key=key, sort_name=sort_name_for(name))
        for key, name in names.items()
        if key not in ids
    ]
    Author.objects.bulk_create(new)
    return ids | {author.name_key: author.pk for author in new}
