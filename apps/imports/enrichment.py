"""Open Library in the catalogue: filling in books imports create, and `import_book_by_isbn`.

Books created from Open Library are recorded as `ImportedBook`s (no job) for librarian review,
like the books library imports create.
"""

import logging

from django.db import IntegrityError, transaction

from apps.catalog import isbn as isbns
from apps.catalog.edition_fields import isbn_owner
from apps.catalog.editions import sync_from_book
from apps.catalog.models import Author, Book, BookAuthor
from apps.catalog.models import Edition as CatalogEdition
from apps.catalog.openlibrary import Edition, OpenLibraryClient, OpenLibraryError
from apps.catalog.works import new_edition, work_by_openlibrary_id, works_by_title
from apps.core.errors import ErrorCode, Invalid, NotFound, ServiceError
from apps.core.text import name_key
from apps.imports.models import ImportedBook

log = logging.getLogger(__name__)


def enrich_books(pairs) -> None:
    """Fills the blank fields of new books (and the authors of author-less rows) from Open
    Library, by ISBN. An unreachable Open Library leaves the books as the file described them."""
    by_isbn = {book.isbn13: (row, book) for row, book in pairs if book.isbn13}
    if not by_isbn:
        return
    try:
        editions = OpenLibraryClient().editions(list(by_isbn))
    except OpenLibraryError as exc:
        log.warning("import enrichment skipped: %s", exc)
        return
    taken = set(
        Book.objects.filter(
            openlibrary_id__in=[e.openlibrary_id for e in editions.values() if e.openlibrary_id]
        ).values_list("openlibrary_id", flat=True)
    )
    for isbn13, edition in editions.items():
        row, book = by_isbn[isbn13]
        _fill(book, edition, taken)
        if not row.authors:
            row.authors = edition.authors[:10]


def _fill(book: Book, edition: Edition, taken: set[str]) -> None:
    book.subtitle = book.subtitle or edition.subtitle
    book.publisher = book.publisher or edition.publisher
    book.pages = book.pages or edition.pages
    book.publication_year = book.publication_year or edition.year
    if edition.openlibrary_id and edition.openlibrary_id not in taken:
        book.openlibrary_id = edition.openlibrary_id  # unique: only the first book gets it
        taken.add(edition.openlibrary_id)


def import_book_by_isbn(user, isbn: str) -> tuple[Book, bool]:
    """The catalogue's book with this ISBN, added from Open Library when missing;
    (book, created). Any logged-in reader may add a book this way, as on Goodreads.

    INVALID on `isbn` when it is no ISBN; NOT_FOUND when Open Library does not know it;
    CONFLICT when Open Library cannot be reached (try again later).
    """
    isbn10, isbn13 = isbns.normalize(isbn)
    if not isbn13:
        raise Invalid("This is not a valid ISBN-10 or ISBN-13.", field="isbn")
    existing = _by_isbn(isbn10, isbn13)
    if existing:
        return existing, False
    try:
        edition = OpenLibraryClient().edition(isbn13)
    except OpenLibraryError:
        raise ServiceError(
            "Open Library is not answering right now; try again later.",
            field="isbn",
            code=ErrorCode.CONFLICT,
        ) from None
    if edition is None:
        raise NotFound("Open Library has no book with this ISBN.", field="isbn")
    try:
        with transaction.atomic():
            return _create(edition)
    except IntegrityError:
        # Someone added it meanwhile (same ISBN or same Open Library edition): theirs stands.
        same = CatalogEdition.objects.filter(openlibrary_id=edition.openlibrary_id)
        book = _by_isbn(isbn10, isbn13) or (
            same.first().book if edition.openlibrary_id and same.exists() else None
        )
        if book is None:
            raise
        return book, False


def _by_isbn(isbn10: str, isbn13: str) -> Book | None:
    """The book of the edition with this ISBN."""
    owner = isbn_owner(isbn10, isbn13)
    if owner is not None:
        return owner.book
    return Book.objects.filter(isbn13=isbn13).first()  # a book saved without editions


def _create(edition: Edition) -> tuple[Book, bool]:
    """The book of `edition`: an edition known under another ISBN spelling, else a new edition
    of a known work (by Open Library work id, or title and author), else a new book."""
    if edition.openlibrary_id:
        same = CatalogEdition.objects.filter(openlibrary_id=edition.openlibrary_id).first()
        if same is not None:  # the edition is known under another ISBN spelling
            return same.book, False
    work = work_by_openlibrary_id(edition.work_id)
    if work is None and edition.authors:
        found = works_by_title({0: (edition.title, edition.authors)})
        work = Book.objects.get(pk=found[0]) if found else None
    if work is not None:
        new_edition(
            work.pk,
            title=edition.title or work.title,
            subtitle=edition.subtitle,
            publisher=edition.publisher,
            pages=edition.pages,
            publication_year=edition.year,
            isbn10=edition.isbn10,
            isbn13=edition.isbn13,
            openlibrary_id=edition.openlibrary_id,
        ).save()
        if edition.work_id and not work.openlibrary_work_id:
            work.openlibrary_work_id = edition.work_id
            work.save(update_fields=["openlibrary_work_id", "updated_at"])
        return work, False
    book = Book.objects.create(
        openlibrary_work_id=edition.work_id,
        title=edition.title or edition.isbn13,
        subtitle=edition.subtitle,
        publisher=edition.publisher,
        pages=edition.pages,
        publication_year=edition.year,
        isbn10=edition.isbn10,
        isbn13=edition.isbn13,
        openlibrary_id=edition.openlibrary_id,
    )
    for position, name in enumerate(dict.fromkeys(edition.authors)):
        author = Author.objects.filter(name_key=name_key(name)).order_by(
            "id"
        ).first() or Author.objects.create(name=name)
        BookAuthor.objects.get_or_create(
            book=book, author=author, role="author", defaults={"position": position}
        )
    sync_from_book(book)  # its default edition
    ImportedBook.objects.create(book=book)
    return book, True
