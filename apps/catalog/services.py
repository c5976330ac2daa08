"""Catalogue edits by librarians: create, update and delete books.

Authors are edited in `services_authors`, merges live in `merge`; permission and shared
validation are in `services_common`.
"""

import re
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q

from apps.catalog import isbn as isbn_utils
from apps.catalog.edition_fields import isbn_owner
from apps.catalog.editions import sync_from_book
from apps.catalog.models import (
    AuthorRole,
    Book,
    BookAuthor,
    BookFormat,
    BookRedirect,
    Genre,
    Series,
)
from apps.catalog.relations import delete_generic, live_rows, relations_to
from apps.catalog.selectors import MAX_ID, current_authors
from apps.catalog.services_common import (
    Problems,
    external_id,
    language_tag,
    not_found,
    require_librarian,
    translate_integrity_error,
    year,
)
from apps.core.errors import Conflict, ErrorCode, Invalid
from apps.core.validation import clean_text

MAX_PAGES = 100_000
MAX_SERIES_POSITION = Decimal("9999.99")
MAX_CONTRIBUTORS = 100
MAX_GENRES = 50
BOOK_TEXT_LIMITS = {"title": 500, "subtitle": 500, "description": 50_000, "publisher": 255}
BOOK_FIELDS = {
    *BOOK_TEXT_LIMITS,
    "language",
    "pages",
    "format",
    "publication_year",
    "original_publication_year",
    "isbn",
    "openlibrary_id",
    "goodreads_id",
    "series_id",
    "series_position",
    "author_ids",
    "contributors",
    "genre_ids",
}
OPENLIBRARY_BOOK_ID = re.compile(r"\AOL[0-9]+[MW]\Z")
GOODREADS_ID = re.compile(r"\A[0-9]{1,32}\Z")


# --- books ------------------------------------------------------------------------------------


def create_book(user, **fields) -> Book:
    """A new book; `title` is required, every other field optional (see `update_book`)."""
    require_librarian(user)
    if "title" not in fields:
        fields["title"] = None  # reported as REQUIRED with the other problems
    return _save_book(Book(), fields)


def update_book(user, book_id: int, **changes) -> Book:
    """Change the given fields of a book; absent fields keep their value, None clears.

    Fields: title, subtitle, description, language, pages, publisher, format,
    publication_year, original_publication_year, isbn (any ISBN-10/13 spelling; both are
    stored), openlibrary_id, goodreads_id, series_id, series_position, author_ids (credited as
    authors, in byline order), contributors (`(author_id, role)` pairs, after the authors),
    genre_ids. Giving author_ids or contributors replaces the whole byline; genre_ids the genres.
    """
    require_librarian(user)
    with transaction.atomic():
        book = Book.objects.select_for_update().filter(pk=book_id).first()
        if book is None:
            raise not_found(BookRedirect, book_id, "book")
        return _save_book(book, changes)


def _save_book(book: Book, fields: dict) -> Book:
    unknown = set(fields) - BOOK_FIELDS
    if unknown:
        raise TypeError(f"unknown book fields: {sorted(unknown)}")
    problems = Problems()
    _set_book_fields(book, fields, problems)
    byline = _byline(fields, problems)
    genres = _genres(fields.get("genre_ids"), problems) if "genre_ids" in fields else None
    if not problems.errors:
        _check_book_unique(book, problems)
    problems.raise_any()
    with transaction.atomic():
        try:
            with transaction.atomic():
                book.save()
                sync_from_book(book)  # its default edition takes the edition fields
        except IntegrityError as exc:
            raise translate_integrity_error(exc, lambda p: _check_book_unique(book, p)) from exc
        if byline is not None:
            BookAuthor.objects.filter(book=book).delete()
            BookAuthor.objects.bulk_create(
                BookAuthor(book=book, author_id=author_id, role=role, position=position)
                for position, (author_id, role) in enumerate(byline)
            )
        if genres is not None:
            book.genres.set(genres)
    return book


def _set_book_fields(book: Book, fields: dict, problems: Problems) -> None:
    for name, max_length in BOOK_TEXT_LIMITS.items():
        if name in fields:
            value = problems.check(
                clean_text,
                fields[name],
                field=name,
                max_length=max_length,
                required=name == "title",
            )
            if value is not None:
                setattr(book, name, value)
    if "language" in fields:
        value = problems.check(language_tag, fields["language"])
        if value is not None:
            book.language = value
    if "pages" in fields:
        pages = fields["pages"]
        if pages is not None and not 1 <= pages <= MAX_PAGES:
            problems.add(ErrorCode.INVALID, f"From 1 to {MAX_PAGES} pages.", "pages")
        else:
            book.pages = pages
    if "format" in fields:
        if fields["format"] in BookFormat.values or fields["format"] is None:
            book.format = fields["format"] or BookFormat.UNKNOWN
        else:
            problems.add(ErrorCode.INVALID, "Not a book format.", "format")
    for name in ("publication_year", "original_publication_year"):
        if name in fields:
            try:
                setattr(book, name, year(fields[name], field=name))
            except Invalid as exc:
                problems.errors.extend(exc.errors)
    if "isbn" in fields:
        text = problems.check(clean_text, fields["isbn"], field="isbn", max_length=32)
        isbn10, isbn13 = isbn_utils.normalize(text)
        if text and not isbn13:
            problems.add(ErrorCode.INVALID, "Not a valid ISBN-10 or ISBN-13.", "isbn")
        elif text is not None:
            book.isbn10, book.isbn13 = isbn10, isbn13
    for name, pattern, example in [
        ("openlibrary_id", OPENLIBRARY_BOOK_ID, "OL7353617M"),
        ("goodreads_id", GOODREADS_ID, "2767052"),
    ]:
        if name in fields:
            value = problems.check(
                external_id, fields[name], field=name, pattern=pattern, example=example
            )
            if value is not None:
                setattr(book, name, value)
    _set_series(book, fields, problems)


def _set_series(book: Book, fields: dict, problems: Problems) -> None:
    if "series_id" in fields:
        series_id = fields["series_id"]
        if series_id is None:
            book.series = None
            if "series_position" not in fields:
                book.series_position = None  # leaving a series leaves its place in it
        elif not Series.objects.filter(pk=series_id).exists():
            problems.add(ErrorCode.NOT_FOUND, "No series with this id.", "series_id")
        else:
            book.series_id = series_id
    if "series_position" in fields:
        position = fields["series_position"]
        try:
            valid = position is None or (
                Decimal(0) <= Decimal(position) <= MAX_SERIES_POSITION
                and Decimal(position).as_tuple().exponent >= -2
            )
        except (InvalidOperation, TypeError, ValueError):
            valid = False
        if not valid:
            problems.add(
                ErrorCode.INVALID,
                f"A place from 0 to {MAX_SERIES_POSITION}, at most 2 decimals.",
                "series_position",
            )
        elif position is not None and book.series_id is None:
            problems.add(ErrorCode.INVALID, "A place needs a series (seriesId).", "series_position")
        else:
            book.series_position = None if position is None else Decimal(position)


def _byline(fields: dict, problems: Problems) -> list[tuple[int, str]] | None:
    """`(author_id, role)` in byline order, or None when the byline is not being changed.

    Merged-away author ids are taken as the author they were merged into.
    """
    if "author_ids" not in fields and "contributors" not in fields:
        return None
    entries = [(a, AuthorRole.AUTHOR.value, "author_ids") for a in fields.get("author_ids") or []]
    entries += [(a, role, "contributors") for a, role in fields.get("contributors") or []]
    if len(entries) > MAX_CONTRIBUTORS:
        problems.add(ErrorCode.INVALID, f"At most {MAX_CONTRIBUTORS} contributors.", "contributors")
        return None
    authors = current_authors(author_id for author_id, _, _ in entries)
    byline: list[tuple[int, str]] = []
    for author_id, role, field in entries:
        if role not in AuthorRole.values:
            problems.add(ErrorCode.INVALID, f"Not a contributor role: {role}.", field)
        elif author_id not in authors:
            problems.add(ErrorCode.NOT_FOUND, f"No author with id {author_id}.", field)
        elif (authors[author_id].pk, role) in byline:
            name = authors[author_id].name
            problems.add(ErrorCode.INVALID, f"{name} is listed twice as {role}.", field)
        else:
            byline.append((authors[author_id].pk, role))
    return byline


def _genres(genre_ids: list[int] | None, problems: Problems) -> list[int] | None:
    genre_ids = list(dict.fromkeys(genre_ids or []))
    if len(genre_ids) > MAX_GENRES:
        problems.add(ErrorCode.INVALID, f"At most {MAX_GENRES} genres.", "genre_ids")
        return None
    possible = [genre_id for genre_id in genre_ids if 0 < genre_id <= MAX_ID]
    found = set(Genre.objects.filter(pk__in=possible).values_list("pk", flat=True))
    missing = [genre_id for genre_id in genre_ids if genre_id not in found]
    if missing:
        problems.add(ErrorCode.NOT_FOUND, f"No genre with id {missing[0]}.", "genre_ids")
        return None
    return genre_ids


def _check_book_unique(book: Book, problems: Problems) -> None:
    others = Book.objects.exclude(pk=book.pk) if book.pk else Book.objects.all()
    if book.isbn13:
        # Any edition's ISBN, of another book or another edition of this one.
        mine = Q(book_id=book.pk, is_default=True) if book.pk else None
        taken = isbn_owner(book.isbn10, book.isbn13, mine)
        if taken is not None:
            problems.add(
                ErrorCode.CONFLICT, f"This ISBN is already {taken.book.title!r}'s.", "isbn"
            )
    for name in ("openlibrary_id", "goodreads_id"):
        value = getattr(book, name)
        if value and others.filter(**{name: value}).exists():
            problems.add(ErrorCode.CONFLICT, "Another book already has this id.", name)


def delete_book(user, book_id: int, *, delete_reader_data: bool = False) -> int:
    """Delete a book from the catalogue; returns its id.

    Deleting also deletes what readers made of the book (shelf entries, ratings, reviews, list
    entries, copies, past reservations, activities), so it is refused with CONFLICT while any
    exist unless `delete_reader_data` says so explicitly; merging into another book keeps them.
    It is refused in any case while readers are waiting for or borrowing the book (live rows,
    see `relations.live_rows`). A merged-away id is not followed: delete by the current id.
    """
    require_librarian(user)
    with transaction.atomic():
        book = Book.objects.select_for_update().filter(pk=book_id).first()
        if book is None:
            raise not_found(BookRedirect, book_id, "book")
        reader_data: list[str] = []
        for relation in relations_to(Book):
            live = live_rows(relation, [book.pk])
            if live:
                raise Conflict(
                    f"The book has {live} active {relation.label} (readers waiting for or "
                    "borrowing it); they must end first.",
                    field="id",
                )
            if relation.model._meta.app_label != Book._meta.app_label:
                count = relation.rows([book.pk]).count()
                if count:
                    reader_data.append(f"{relation.label}: {count}")
        if reader_data and not delete_reader_data:
            raise Conflict(
                f"Readers' data refers to this book ({', '.join(reader_data)}). Merge it into "
                "another book to keep them, or set deleteReaderData to delete them with it.",
                field="delete_reader_data",
            )
        _delete_related(relations_to(Book), [book.pk])
        delete_generic(Book, [book.pk])
        book.delete()
    return book_id


def _delete_related(relations, ids) -> None:
    """Delete every row of `relations` pointing at `ids`, protected ones after their protectors.

    A lent copy's past reservations protect it (`on_delete=PROTECT`) even when the same delete
    would remove them too; deleting relation by relation, retrying the protected ones once the
    others are gone, lets the cascade finish.
    """
    pending = list(relations)
    while pending:
        blocked = []
        for relation in pending:
            try:
                with transaction.atomic():
                    relation.rows(ids).delete()
            except ProtectedError:
                blocked.append(relation)
        if len(blocked) == len(pending):
            raise Conflict("Rows elsewhere still need this book's data.", field="id")
        pending = blocked
