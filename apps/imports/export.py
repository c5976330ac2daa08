"""Exporting a reader's library as a file their next app can read (and BookNest can re-import).

`GOODREADS` writes Goodreads' own 24 columns (Goodreads' quirks included: `="…"` ISBNs,
`YYYY/MM/DD` dates, `<br/>` line breaks in reviews); `CSV` writes the generic columns of
BookNest's CSV import (which, unlike Goodreads', carry the date a read started). Both list
every book the reader shelved, rated, reviewed or put on a list.

The file is generated when it is downloaded, from a signed link (`export_link`) that names its
owner and expires after EXPORT_LINK_MAX_AGE seconds: the link is the credential, like a
presigned storage URL, so a browser can download it without an Authorization header.
"""

import csv
import io
from collections.abc import Iterator

from django.conf import settings
from django.core import signing
from django.db import models
from django.urls import reverse

from apps.catalog.models import Book, BookAuthor
from apps.imports.formats import generic, goodreads
from apps.reading.models import Rating, ReadingListItem, ReadingStatus, Review, UserBook

SALT = "booknest.imports.export"
SHELF_NAMES = {
    ReadingStatus.READ: "read",
    ReadingStatus.READING: "currently-reading",
    ReadingStatus.WANT_TO_READ: "to-read",
    ReadingStatus.DID_NOT_FINISH: "did-not-finish",
    ReadingStatus.PAUSED: "paused",
}


class ExportFormat(models.TextChoices):
    GOODREADS = "goodreads", "Goodreads CSV (24 columns)"
    CSV = "csv", "BookNest CSV"


def export_link(user, fmt: str) -> str:
    """The path of a signed download link of the reader's library in `fmt`."""
    token = signing.dumps({"u": user.pk, "f": ExportFormat(fmt).value}, salt=SALT)
    return reverse("export-download", args=[token])


def read_link(token: str) -> tuple[int, str] | None:
    """(user id, format) of a valid, unexpired link token; None otherwise."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.EXPORT_LINK_MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        return None
    return int(data["u"]), data["f"]


def _date(value) -> str:
    return value.strftime("%Y/%m/%d") if value else ""


def _number(value) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)
    return text


def library(user) -> list[dict]:
    """One dict per book of the reader's library, with everything an export writes."""
    entries = {e.book_id: e for e in UserBook.objects.filter(user=user).select_related("edition")}
    ratings = dict(Rating.objects.filter(user=user).values_list("book_id", "value"))
    reviews = {r.book_id: r for r in Review.objects.filter(user=user)}
    lists: dict[int, list[tuple[str, int]]] = {}
    for book_id, name, position in (
        ReadingListItem.objects.filter(reading_list__owner=user)
        .order_by("reading_list__name", "position", "id")
        .values_list("book_id", "reading_list__name", "position")
    ):
        lists.setdefault(book_id, []).append((name, position))
    book_ids = set(entries) | set(ratings) | set(reviews) | set(lists)
    books = Book.objects.filter(pk__in=book_ids).select_related("series").order_by("title", "id")
    authors: dict[int, list] = {}
    for credit in (
        BookAuthor.objects.filter(book_id__in=book_ids, role="author")
        .select_related("author")
        .order_by("book_id", "position", "id")
    ):
        authors.setdefault(credit.book_id, []).append(credit.author)
    return [
        {
            "book": book,
            "authors": authors.get(book.pk, []),
            "entry": entries.get(book.pk),
            # The reader's edition, else the book (its fields are its default edition's).
            "edition": _edition(entries.get(book.pk), book),
            "rating": ratings.get(book.pk),
            "review": reviews.get(book.pk),
            "lists": lists.get(book.pk, []),
        }
        for book in books
    ]


def _edition(entry, book):
    return entry.edition if entry is not None and entry.edition is not None else book


def _full_title(book) -> str:
    if not book.series:
        return book.title
    position = _number(book.series_position)
    return f"{book.title} ({book.series.name}, #{position})" if position else book.title


def goodreads_rows(user) -> Iterator[list[str]]:
    yield goodreads.COLUMNS
    for item in library(user):
        book, entry, review = item["book"], item["entry"], item["review"]
        edition = item["edition"]
        names = [a.name for a in item["authors"]]
        values = {
            "Book Id": str(book.pk),
            "Title": _full_title(book),
            "Author": names[0] if names else "",
            "Author l-f": item["authors"][0].sort_name if names else "",
            "Additional Authors": ", ".join(names[1:]),
            "ISBN": f'="{edition.isbn10}"',
            "ISBN13": f'="{edition.isbn13}"',
            "My Rating": _number(item["rating"]) or "0",
            "Average Rating": _number(book.average_rating),
            "Publisher": edition.publisher,
            "Binding": edition.get_format_display() if edition.format else "",
            "Number of Pages": _number(edition.pages),
            "Year Published": _number(edition.publication_year),
            "Original Publication Year": _number(book.original_publication_year),
            "Date Read": _date(entry.finished_at) if entry else "",
            "Date Added": _date(entry.created_at) if entry else "",
            "Bookshelves": ", ".join(name for name, _ in item["lists"]),
            "Bookshelves with positions": ", ".join(f"{n} (#{p})" for n, p in item["lists"]),
            "Exclusive Shelf": SHELF_NAMES[entry.status] if entry else "",
            "My Review": review.body.replace("\n", "<br/>") if review else "",
            "Spoiler": "true" if review and review.spoiler else "",
            "Private Notes": entry.private_notes if entry else "",
            "Read Count": str(entry.read_count) if entry else "0",
            "Owned Copies": str(entry.owned_copies) if entry else "0",
        }
        yield [values[column] for column in goodreads.COLUMNS]


def csv_rows(user) -> Iterator[list[str]]:
    yield generic.COLUMNS
    for item in library(user):
        book, entry, review = item["book"], item["entry"], item["review"]
        values = {
            "title": _full_title(book),
            "authors": "; ".join(a.name for a in item["authors"]),
            "isbn": item["edition"].isbn10,
            "isbn13": item["edition"].isbn13,
            "rating": _number(item["rating"]),
            "shelf": SHELF_NAMES[entry.status] if entry else "",
            "review": review.body if review else "",
            "date_added": entry.created_at.date().isoformat() if entry else "",
            "date_started": entry.started_at.isoformat() if entry and entry.started_at else "",
            "date_finished": entry.finished_at.isoformat() if entry and entry.finished_at else "",
            "read_count": str(entry.read_count) if entry else "",
            "owned_copies": str(entry.owned_copies) if entry else "",
            "lists": "; ".join(name for name, _ in item["lists"]),
            "private_notes": entry.private_notes if entry else "",
            "spoiler": "true" if review and review.spoiler else "",
        }
        yield [values[column] for column in generic.COLUMNS]


def export_text(user, fmt: str) -> str:
    """The whole export as CSV text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    rows = goodreads_rows(user) if fmt == ExportFormat.GOODREADS else csv_rows(user)
    writer.writerows(rows)
    return out.getvalue()
