"""The demo's works with several editions: e-books, audiobooks and translations of famous
books, and the readers who say which edition they read.

Each book of the catalogue has its default edition (from its own fields, as every book does);
the books below get more. Their ISBNs are made up but valid (979-8 ISBN-13s with correct check
digits, derived from the book's Goodreads id and the edition's place), so a rebuild finds and
updates them instead of adding new ones.
"""

from apps.catalog.editions import sync_books
from apps.catalog.isbn import _isbn13_check_digit
from apps.catalog.models import BookFormat, Edition
from apps.reading.models import UserBook

# Goodreads id → extra editions: (format, title as printed, language, pages, minutes).
EXTRA_EDITIONS: dict[str, list[tuple[str, str, str, int | None, int | None]]] = {
    "2767052": [
        (BookFormat.EBOOK, "The Hunger Games", "en", 384, None),
        (BookFormat.AUDIOBOOK, "The Hunger Games", "en", None, 660),
        (BookFormat.PAPERBACK, "Los juegos del hambre", "es", 400, None),
    ],
    "3": [
        (BookFormat.EBOOK, "Harry Potter and the Sorcerer's Stone", "en", 320, None),
        (BookFormat.AUDIOBOOK, "Harry Potter and the Sorcerer's Stone", "en", None, 498),
        (BookFormat.HARDCOVER, "Harry Potter à l'école des sorciers", "fr", 308, None),
    ],
    "5907": [
        (BookFormat.PAPERBACK, "Der Hobbit", "de", 384, None),
        (BookFormat.AUDIOBOOK, "The Hobbit", "en", None, 683),
    ],
    "1885": [
        (BookFormat.EBOOK, "Pride and Prejudice", "en", 432, None),
        (BookFormat.PAPERBACK, "Orgullo y prejuicio", "es", 480, None),
    ],
    "5470": [
        (BookFormat.PAPERBACK, "Nineteen Eighty-Four", "en-GB", 355, None),
        (BookFormat.AUDIOBOOK, "1984", "en", None, 680),
    ],
    "4671": [(BookFormat.EBOOK, "The Great Gatsby", "en", 192, None)],
}


def isbn13_for(goodreads_id: str, place: int) -> str:
    first12 = f"9798{int(goodreads_id) % 10**7:07d}{place}"
    return first12 + _isbn13_check_digit(first12)


def build_editions(books) -> int:
    """Default editions for every demo book, the extra ones above upserted; returns how many
    extra editions there are."""
    sync_books([book.pk for book in books])
    by_goodreads = {book.goodreads_id: book for book in books}
    wanted = {}
    for goodreads_id, editions in EXTRA_EDITIONS.items():
        book = by_goodreads.get(goodreads_id)
        if book is None:
            continue
        for place, (fmt, title, language, pages, minutes) in enumerate(editions, start=1):
            wanted[isbn13_for(goodreads_id, place)] = Edition(
                book=book,
                isbn13=isbn13_for(goodreads_id, place),
                format=fmt,
                title=title,
                language=language,
                pages=pages,
                duration_minutes=minutes,
            )
    existing = {e.isbn13: e for e in Edition.objects.filter(isbn13__in=list(wanted))}
    fields = ["book", "format", "title", "language", "pages", "duration_minutes"]
    for isbn13, edition in wanted.items():
        if isbn13 in existing:
            for name in fields:
                setattr(existing[isbn13], name, getattr(edition, name))
    Edition.objects.bulk_update(list(existing.values()), fields)
    Edition.objects.bulk_create([e for i, e in wanted.items() if i not in existing])
    return len(wanted)


def choose_editions(entries) -> int:
    """Every other reader of a book with several editions names one of them (the e-book,
    audiobook or translation, in turn); returns how many shelf entries name an edition."""
    extra: dict[int, list[int]] = {}
    for book_id, edition_id in (
        Edition.objects.filter(is_default=False)
        .order_by("book_id", "id")
        .values_list("book_id", "id")
    ):
        extra.setdefault(book_id, []).append(edition_id)
    chosen = []
    seen: dict[int, int] = {}
    for entry in sorted(entries, key=lambda e: (e.book_id, e.user_id)):
        if entry.book_id not in extra:
            continue
        n = seen[entry.book_id] = seen.get(entry.book_id, -1) + 1
        if n % 2 == 0:
            options = extra[entry.book_id]
            entry.edition_id = options[(n // 2) % len(options)]
            chosen.append(entry)
    UserBook.objects.bulk_update(chosen, ["edition"])
    return len(chosen)
