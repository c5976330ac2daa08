"""Editions of a book (the work): librarians' edits, and keeping the book's mirror in step.

Every book has editions once it is saved through a service or an import, and exactly one of
them is its default (a partial unique index holds "at most one"; these services keep "at
least one"). The book's own edition fields (`EDITION_FIELDS_ON_BOOK`: ISBNs, format, pages …)
mirror its default edition, so today's readers of `Book.isbn13` or `Book.pages` keep working:
`mirror_default` writes edition → book after an edition changes, `sync_from_book` writes
book → default edition after `updateBook` changed those fields on the book.

Rows that name an edition (a shelf entry's `edition`, a lending copy's `edition`) are found
through the model metadata (`relations.relations_to(Edition)`), as merges find a book's rows,
so catalog imports nothing above it. Validation of an edition's fields: `edition_fields`.
"""

from django.db import transaction
from django.db.models import Q

from apps.catalog.edition_fields import OPENLIBRARY_EDITION_ID, save_edition
from apps.catalog.models import EDITION_FIELDS_ON_BOOK, Book, BookRedirect, Edition
from apps.catalog.relations import live_rows, relations_to, unique_keys
from apps.catalog.services_common import not_found, require_librarian
from apps.core.errors import Conflict, Invalid, NotFound

# --- keeping the book in step -----------------------------------------------------------------


def default_edition(book_id: int) -> Edition | None:
    return Edition.objects.filter(book_id=book_id, is_default=True).first()


def mirror_default(book: Book) -> None:
    """Copy the book's default edition's fields onto the book (and save it when they differ)."""
    edition = default_edition(book.pk)
    if edition is None:
        return
    changed = [
        name for name in EDITION_FIELDS_ON_BOOK if getattr(book, name) != getattr(edition, name)
    ]
    for name in changed:
        setattr(book, name, getattr(edition, name))
    if changed:
        book.save(update_fields=[*changed, "updated_at"])


def edition_from_book(book: Book) -> Edition:
    """A new default edition of `book` described by the book's own fields (unsaved)."""
    edition = Edition(book_id=book.pk, is_default=True, title=book.title)
    for name in EDITION_FIELDS_ON_BOOK:
        setattr(edition, name, getattr(book, name))
    if OPENLIBRARY_EDITION_ID.match(book.openlibrary_id or ""):
        edition.openlibrary_id = book.openlibrary_id
    return edition


@transaction.atomic
def sync_from_book(book: Book) -> Edition:
    """The book's default edition, created from the book or updated to its edition fields."""
    edition = Edition.objects.select_for_update().filter(book_id=book.pk, is_default=True).first()
    if edition is None:
        edition = edition_from_book(book)
        if (
            Edition.objects.filter(openlibrary_id=edition.openlibrary_id)
            .exclude(openlibrary_id="")
            .exists()
        ):
            edition.openlibrary_id = ""
        edition.save()
        return edition
    changed = [
        name for name in EDITION_FIELDS_ON_BOOK if getattr(book, name) != getattr(edition, name)
    ]
    for name in changed:
        setattr(edition, name, getattr(book, name))
    published = edition.published_date
    if "publication_year" in changed and published and published.year != edition.publication_year:
        edition.published_date = None
        changed.append("published_date")
    if changed:
        edition.save(update_fields=[*changed, "updated_at"])
    return edition


def sync_books(book_ids) -> None:
    """`sync_from_book` for many books at once (bulk imports): books without editions get
    their default edition, the others' default editions take the books' edition fields."""
    book_ids = list(book_ids)
    if not book_ids:
        return
    books = Book.objects.in_bulk(book_ids)
    defaults = {e.book_id: e for e in Edition.objects.filter(book_id__in=book_ids, is_default=True)}
    having = set(Edition.objects.filter(book_id__in=book_ids).values_list("book_id", flat=True))
    new = [edition_from_book(b) for pk, b in books.items() if pk not in having]
    taken = set(
        Edition.objects.filter(
            openlibrary_id__in=[e.openlibrary_id for e in new if e.openlibrary_id]
        ).values_list("openlibrary_id", flat=True)
    )
    for edition in new:
        if edition.openlibrary_id in taken:
            edition.openlibrary_id = ""
        taken.add(edition.openlibrary_id)
    Edition.objects.bulk_create(new)
    changed = []
    for book_id, edition in defaults.items():
        book = books[book_id]
        if any(getattr(book, n) != getattr(edition, n) for n in EDITION_FIELDS_ON_BOOK):
            for name in EDITION_FIELDS_ON_BOOK:
                setattr(edition, name, getattr(book, name))
            changed.append(edition)
    Edition.objects.bulk_update(changed, list(EDITION_FIELDS_ON_BOOK))


# --- librarians' edits ------------------------------------------------------------------------


def create_edition(user, book_id: int, **fields) -> Edition:
    """A new edition of `book_id`; its title is the book's unless given. The first edition of
    a book (or one created with `is_default`) becomes the default."""
    require_librarian(user)
    make_default = bool(fields.pop("is_default", False))
    with transaction.atomic():
        book = Book.objects.select_for_update().filter(pk=book_id).first()
        if book is None:
            raise NotFound(
                not_found(BookRedirect, book_id, "book").errors[0].message, field="book_id"
            )
        edition = Edition(book=book, title=book.title)
        save_edition(edition, fields)
        if make_default or not Edition.objects.filter(book=book, is_default=True).exists():
            _make_default(edition)
        mirror_default(book)
    return edition


def update_edition(user, edition_id: int, **changes) -> Edition:
    """Change the given fields of an edition; absent fields keep their value, None clears."""
    require_librarian(user)
    with transaction.atomic():
        edition = _locked(edition_id)
        save_edition(edition, changes)
        if edition.is_default:
            mirror_default(edition.book)
    return edition


def delete_edition(user, edition_id: int) -> int:
    """Delete an edition; CONFLICT while a shelf entry or a lending copy names it, or when it
    is the book's only edition. Deleting the default makes the oldest other one the default."""
    require_librarian(user)
    with transaction.atomic():
        edition = _locked(edition_id)
        users = [
            f"{relation.label}: {count}"
            for relation in relations_to(Edition)
            if (count := relation.rows([edition.pk]).count())
        ]
        if users:
            raise Conflict(
                f"Readers' data names this edition ({', '.join(users)}); move them to another "
                "edition first.",
                field="id",
            )
        others = Edition.objects.filter(book_id=edition.book_id).exclude(pk=edition.pk)
        if not others.exists():
            raise Conflict(
                "This is the book's only edition: delete or merge the book instead.", field="id"
            )
        was_default = edition.is_default
        edition.delete()
        if was_default:
            _make_default(others.order_by("pk").first())
            mirror_default(edition.book)
    return edition_id


def set_default_edition(user, edition_id: int) -> Edition:
    """Make `edition_id` its book's default edition (the book's edition fields follow)."""
    require_librarian(user)
    with transaction.atomic():
        edition = _locked(edition_id)
        _make_default(edition)
        mirror_default(edition.book)
    return edition


def move_edition(user, edition_id: int, to_book_id: int) -> Edition:
    """Move an edition to another book (to split a wrongly merged work).

    The shelf entries and lending copies that name the edition follow it to the other book.
    CONFLICT when it is its book's only edition, when a reader has the other book on their
    shelves too (one shelf entry per book), or while a copy of it is lent or promised to a
    reader of its book's queue. Moving the default makes the oldest remaining one the default;
    the moved edition is the other book's default only when that book had none.
    """
    require_librarian(user)
    with transaction.atomic():
        edition = Edition.objects.filter(pk=edition_id).first()
        if edition is None:
            raise NotFound("No edition with this id.", field="edition_id")
        found = Book.objects.filter(
            Q(pk=to_book_id)
            | Q(pk__in=BookRedirect.objects.filter(old_id=to_book_id).values("book"))
        ).first()
        if found is None:
            raise NotFound("No book with this id.", field="to_book_id")
        # Lock both books in id order, as merges do, so two moves cannot deadlock.
        locked = Book.objects.select_for_update().in_bulk(sorted({edition.book_id, found.pk}))
        source, target = locked[edition.book_id], locked[found.pk]
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        if source.pk == target.pk:
            raise Invalid("The edition already belongs to this book.", field="to_book_id")
        if not Edition.objects.filter(book=source).exclude(pk=edition.pk).exists():
            raise Conflict(
                "This is the book's only edition: merge the books instead.", field="edition_id"
            )
        _move_followers(edition, source, target)
        was_default = edition.is_default
        edition.book, edition.is_default = target, False
        edition.save(update_fields=["book", "is_default", "updated_at"])
        if was_default:
            _make_default(Edition.objects.filter(book=source).order_by("pk").first())
            mirror_default(source)
        source.save(update_fields=["updated_at"])  # what depends on its editions follows
        if not Edition.objects.filter(book=target, is_default=True).exists():
            _make_default(edition)
            mirror_default(target)
    return edition


def _move_followers(edition: Edition, source: Book, target: Book) -> None:
    """Rows naming the edition (shelves, copies) follow it to `target`."""
    for relation in relations_to(Edition):
        model = relation.model
        rows = relation.rows([edition.pk])
        book_field = next(
            (f for f in model._meta.concrete_fields if getattr(f, "related_model", None) is Book),
            None,
        )
        if book_field is None or not rows.exists():
            continue
        book_relation = next(r for r in relations_to(Book) if r.model is model)
        if _held(model, rows):
            raise Conflict(
                f"Some {relation.label} of this edition are lent or promised to readers; "
                "they must come back first.",
                field="edition_id",
            )
        for key in _unique_keys_on(book_relation):
            clash = model._base_manager.filter(**{book_field.attname: target.pk})
            mine = rows.values_list(*key, flat=False)
            if clash.filter(
                Q(*[Q(**dict(zip(key, values, strict=True))) for values in mine], _connector="OR")
            ).exists():
                raise Conflict(
                    f"Some {relation.label} of this edition belong to readers who have the "
                    "other book too; they must settle which to keep first.",
                    field="to_book_id",
                )
        rows.update(**{book_field.attname: target.pk})


def _held(model, rows) -> bool:
    """Whether any of `rows` (copies) is held by a live reservation (reverse relations with a
    conditional unique key on them)."""
    for relation in relations_to(model):
        if live_rows(relation, rows.values_list("pk", flat=True)):
            return True
    return False


def _unique_keys_on(relation) -> list[tuple[str, ...]]:
    return [key.others for key in unique_keys(relation) if key.condition is None and key.others]


def _locked(edition_id: int) -> Edition:
    edition = Edition.objects.select_for_update().select_related("book").filter(pk=edition_id)
    found = edition.first()
    if found is None:
        raise NotFound("No edition with this id.", field="id")
    return found


def _make_default(edition: Edition) -> None:
    Edition.objects.filter(book_id=edition.book_id, is_default=True).exclude(pk=edition.pk).update(
        is_default=False
    )
    if not edition.is_default:
        edition.is_default = True
        edition.save(update_fields=["is_default", "updated_at"])
