"""Recognising the work an edition belongs to, for imports that meet an ISBN the catalogue
does not hold: by Open Library work id, else by normalised title and one author.

Used by library imports and `importBookByIsbn`, so the paperback of a book already in the
catalogue as a hardcover becomes a second edition of that book, not a second book.
"""

from django.db.models.functions import Lower

from apps.catalog.models import Book, BookAuthor, BookFormat, Edition
from apps.core.text import name_key


def works_by_title(entries: dict) -> dict:
    """{key: book id} for each `key: (title, [author names])` some catalogue book matches: its
    normalised title equals the title's and one of its authors is among the names (with no
    names: the only book of that title). Oldest book first (the original over later
    duplicates). One query for the candidates, one for their authors."""
    if not entries:
        return {}
    candidates = list(
        Book.objects.annotate(lower_title=Lower("title"))
        .filter(lower_title__in={title.lower() for title, _ in entries.values()})
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
    found = {}
    for key, (title, names) in entries.items():
        ids = by_title.get(name_key(title), [])
        wanted = {name_key(name) for name in names}
        for book_id in ids:
            if wanted & authors.get(book_id, set()) or (not wanted and len(ids) == 1):
                found[key] = book_id
                break
    return found


def work_by_openlibrary_id(work_id: str) -> Book | None:
    return Book.objects.filter(openlibrary_work_id=work_id).first() if work_id else None


def new_edition(book_id: int, **fields) -> Edition:
    """An unsaved non-default edition of `book_id` (imports: values already normalised)."""
    fields = {k: v for k, v in fields.items() if v not in (None, "")}
    if fields.get("format") not in BookFormat.values:
        fields.pop("format", None)
    return Edition(book_id=book_id, is_default=False, **fields)
