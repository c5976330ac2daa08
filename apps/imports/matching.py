"""Finding the catalogue book of each row, and adding the books the catalogue lacks.

A row matches, in order: the book of the edition with its ISBN-13, then with its ISBN-10, then
a book whose normalised title (`name_key`, series suffix removed) and one of whose authors'
normalised names equal the row's (an ISBN met that way becomes a new edition of that book). Rows that match nothing become new catalogue books (with their authors and
series), enriched from Open Library when `OPENLIBRARY_ENABLED`, and are recorded as
`ImportedBook`s for librarians to review. Rows of one batch naming the same new book share it.
"""

from collections.abc import Callable

from apps.catalog.editions import sync_books
from apps.catalog.models import Author, Book, BookAuthor, Edition, Series, sort_name_for
from apps.catalog.works import new_edition, works_by_title
from apps.core.text import name_key
from apps.imports.formats.rows import ImportRow
from apps.imports.models import ImportedBook

# Enrichment hook: fills blank fields of new books from an outside source, by ISBN-13.
Enricher = Callable[[list[tuple[ImportRow, Book]]], None]


def title_author_key(row: ImportRow) -> tuple[str, str]:
    return name_key(row.title), name_key(row.authors[0]) if row.authors else ""


def match_books(rows: list[ImportRow]) -> dict[int, int]:
    """{row number: book id} for the rows some catalogue book matches.

    An ISBN is looked up among all editions (the book of the edition that has it). A row whose
    ISBN no edition has, but whose title and author name a catalogue book, becomes a new
    edition of that book (with the row's ISBN, publisher, pages, year and format).
    """
    matched: dict[int, int] = {}
    by13 = dict(
        Edition.objects.filter(isbn13__in={r.isbn13 for r in rows if r.isbn13}).values_list(
            "isbn13", "book_id"
        )
    )
    by10 = dict(
        Edition.objects.filter(isbn10__in={r.isbn10 for r in rows if r.isbn10}).values_list(
            "isbn10", "book_id"
        )
    )
    # Books saved without editions (before editions, or by hand) answer by their own ISBNs.
    for column, found in (("isbn13", by13), ("isbn10", by10)):
        wanted = {getattr(r, column) for r in rows if getattr(r, column)} - set(found)
        if wanted:
            books = Book.objects.filter(editions__isnull=True, **{f"{column}__in": wanted})
            found.update(books.values_list(column, "id"))
    rest = []
    for row in rows:
        book_id = by13.get(row.isbn13) if row.isbn13 else None
        book_id = book_id or (by10.get(row.isbn10) if row.isbn10 else None)
        if book_id:
            matched[row.row_number] = book_id
        else:
            rest.append(row)
    if rest:
        by_title = works_by_title({row.row_number: (row.title, row.authors) for row in rest})
        matched.update(by_title)
        _add_editions([row for row in rest if row.row_number in by_title], by_title)
    return matched


def _add_editions(rows: list[ImportRow], book_ids: dict[int, int]) -> None:
    """New editions of known books for the rows' ISBNs (the first row of each ISBN)."""
    seen: set[str] = set()
    new = []
    for row in rows:
        if not row.isbn13 or row.isbn13 in seen:
            continue
        seen.add(row.isbn13)
        new.append(_edition_of(book_ids[row.row_number], row))
    Edition.objects.bulk_create(new)


def _edition_of(book_id: int, row: ImportRow) -> Edition:
    return new_edition(
        book_id,
        title=row.title,
        isbn10=row.isbn10,
        isbn13=row.isbn13,
        publisher=row.publisher,
        pages=row.pages,
        publication_year=row.year,
        format=row.book_format,
    )


def _works(rows: list[ImportRow]) -> dict[int, ImportRow]:
    """{row number: the first row of its work}: rows naming one ISBN, or one title and author
    (other editions of one work in the same file), share a new book."""
    first_of: dict[tuple, ImportRow] = {}
    work: dict[int, ImportRow] = {}
    for row in rows:
        keys = [("title", *title_author_key(row))]
        if row.isbn13:
            keys.insert(0, ("isbn", row.isbn13))
        first = next((first_of[k] for k in keys if k in first_of), row)
        for key in keys:
            first_of.setdefault(key, first)
        work[row.row_number] = first
    return work


def create_books(job, rows: list[ImportRow], enrich: Enricher | None = None) -> dict[int, int]:
    """New catalogue books for unmatched rows: {row number: book id}. The first row of a work
    describes its book and default edition; the other rows' ISBNs become its other editions."""
    work = _works(rows)
    firsts = {first.row_number: first for first in work.values()}
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
    sync_books([book.pk for _, book in pairs])  # their default editions
    ids = {row.row_number: book.pk for row, book in pairs}
    book_ids = {row.row_number: ids[work[row.row_number].row_number] for row in rows}
    defaults = {book.isbn13 for _, book in pairs if book.isbn13}
    _add_editions([r for r in rows if r.isbn13 and r.isbn13 not in defaults], book_ids)
    return book_ids


def edition_ids(rows: list[ImportRow], book_ids: dict[int, int]) -> dict[int, int]:
    """{row number: edition id} for the rows whose ISBN is an edition of their matched book."""
    by13 = {
        isbn: (edition_id, book_id)
        for isbn, edition_id, book_id in Edition.objects.filter(
            isbn13__in={r.isbn13 for r in rows if r.isbn13}
        ).values_list("isbn13", "id", "book_id")
    }
    found = {}
    for row in rows:
        edition_id, book_id = by13.get(row.isbn13, (None, None))
        if edition_id is not None and book_id == book_ids.get(row.row_number):
            found[row.row_number] = edition_id
    return found


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
