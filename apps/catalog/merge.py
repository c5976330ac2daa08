"""Merging duplicate books or authors into one survivor, without losing or doubling any row.

Every row pointing at a duplicate is moved to the survivor, whatever app it belongs to (see
`apps.catalog.relations`: the walk is generic, so catalog imports nothing above it). Where a
unique constraint would then hold twice (a reader rated both books, a list holds both, a book
is in a genre twice), one row is kept:

- the most recently updated one, for models with `updated_at` (a reader's latest rating,
  review or shelf entry wins);
- otherwise the survivor's (its list item keeps its place; its contribution its role), and
  when the survivor has none, the first duplicate's in the order given.

Generic references (activities, notifications) to a dropped row are pointed at the kept one.
Rows under a *conditional* unique constraint are live state (a waiting or on-loan reservation)
that cannot be chosen between blindly: when those clash the merge is refused with CONFLICT.

The duplicates' ids keep working: a `BookRedirect`/`AuthorRedirect` maps each to the survivor
(earlier redirects to a duplicate move along, so chains stay one hop). Identifiers and details
the survivor lacks (ISBNs, Open Library / Goodreads ids, description, pages …) are taken from
the first duplicate that has them. The survivor's `average_rating` and `ratings_count` are
recomputed from its ratings. All of it happens in one transaction.

Editions move with the rest and stay editions of the survivor; the survivor's default stays
its default unless it has no ISBN and a duplicate's default has one, and the survivor's edition
fields (ISBNs, pages …) then mirror its default edition (see `apps.catalog.editions`).
"""

from collections import defaultdict
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, ProtectedError, Sum
from django.dispatch import Signal

from apps.catalog.editions import mirror_default
from apps.catalog.models import Author, AuthorRedirect, Book, BookAuthor, BookRedirect, Edition
from apps.catalog.relations import (
    Relation,
    UniqueKey,
    relations_to,
    repoint_generic,
    unique_keys,
)
from apps.catalog.selectors import current_authors, current_books
from apps.catalog.services_common import require_librarian
from apps.core.errors import Conflict, Invalid, NotFound

MAX_DUPLICATES = 50
BOOK_DETAILS = [
    *("openlibrary_id", "goodreads_id", "subtitle", "description", "language", "pages"),
    *("publisher", "format", "publication_year", "original_publication_year", "cover"),
]
_OLDEST = datetime.min

# Sent inside the merge's transaction once every row points at the survivor, before the
# duplicates are deleted: apps above catalog may tidy what only they understand (e.g. two
# feed activities that now tell of one rating). Arguments: `survivor`, `duplicate_ids`.
books_merged = Signal()
authors_merged = Signal()


def merge_books(user, survivor_id: int, duplicate_ids: list[int]) -> Book:
    """Merge the `duplicate_ids` books into `survivor_id` and delete them; returns the survivor."""
    require_librarian(user)
    with transaction.atomic():
        survivor, duplicates = _resolve(Book, current_books, survivor_id, duplicate_ids, "book")
        rank = {survivor.pk: 0} | {dup.pk: i + 1 for i, dup in enumerate(duplicates)}
        contributions = BookAuthor.objects.filter(book__in=list(rank)).values_list("pk", "book")
        origin = {pk: rank[book_id] for pk, book_id in contributions}
        former_defaults = _undefault_editions(duplicates)
        _move_rows(Book, survivor, duplicates)
        _renumber_contributions(survivor, origin)
        _fill_book(survivor, duplicates)
        _choose_default_edition(survivor, former_defaults)
        books_merged.send(Book, survivor=survivor, duplicate_ids=[d.pk for d in duplicates])
        _finish(Book, BookRedirect, survivor, duplicates)
        _recount_ratings(survivor)
        survivor.save()
        mirror_default(survivor)
    survivor.refresh_from_db()
    return survivor


def merge_authors(user, survivor_id: int, duplicate_ids: list[int]) -> Author:
    """Merge the `duplicate_ids` authors into `survivor_id` and delete them."""
    require_librarian(user)
    with transaction.atomic():
        survivor, duplicates = _resolve(
            Author, current_authors, survivor_id, duplicate_ids, "author"
        )
        _move_rows(Author, survivor, duplicates)
        _fill_author(survivor, duplicates)
        authors_merged.send(Author, survivor=survivor, duplicate_ids=[d.pk for d in duplicates])
        _finish(Author, AuthorRedirect, survivor, duplicates)
        survivor.save()
    survivor.refresh_from_db()
    return survivor


# --- steps ------------------------------------------------------------------------------------


def _resolve(model, current, survivor_id, duplicate_ids, noun):
    """The locked survivor and duplicates (merged-away ids follow their redirect)."""
    duplicate_ids = list(dict.fromkeys(duplicate_ids))
    if not duplicate_ids:
        raise Invalid(f"Name at least one duplicate {noun}.", field="duplicate_ids")
    if len(duplicate_ids) > MAX_DUPLICATES:
        raise Invalid(f"At most {MAX_DUPLICATES} duplicates at a time.", field="duplicate_ids")
    found = current([survivor_id, *duplicate_ids])
    if survivor_id not in found:
        raise NotFound(f"No {noun} with this id.", field="survivor_id")
    missing = [i for i in duplicate_ids if i not in found]
    if missing:
        raise NotFound(f"No {noun} with id {missing[0]}.", field="duplicate_ids")
    survivor_pk = found[survivor_id].pk
    duplicate_pks = list(dict.fromkeys(found[i].pk for i in duplicate_ids))
    if survivor_pk in duplicate_pks:
        raise Invalid(f"A {noun} cannot be merged into itself.", field="duplicate_ids")
    # Lock in id order, as every writer should, so two merges cannot deadlock.
    locked = model.objects.select_for_update().in_bulk(sorted([survivor_pk, *duplicate_pks]))
    return locked[survivor_pk], [locked[pk] for pk in duplicate_pks]


def _move_rows(model, survivor, duplicates) -> None:
    rank = {survivor.pk: 0} | {dup.pk: i + 1 for i, dup in enumerate(duplicates)}
    for relation in relations_to(model):
        for key in unique_keys(relation):
            _settle_clashes(relation, key, rank)
        relation.rows(rank.keys() - {survivor.pk}).update(**{relation.attname: survivor.pk})


def _settle_clashes(relation: Relation, key: UniqueKey, rank: dict[int, int]) -> None:
    """Keep one row of each group that would break `key` once all point at the survivor."""
    rows = relation.rows(rank)
    if key.condition is not None:
        rows = rows.filter(key.condition)
    has_updated_at = any(f.name == "updated_at" for f in relation.model._meta.concrete_fields)
    fields = ["pk", relation.attname, *key.others, *(["updated_at"] if has_updated_at else [])]
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows.values(*fields):
        values = tuple(row[name] for name in key.others)
        if key.nulls_distinct and None in values:
            continue  # NULLs never clash under a nulls-distinct constraint
        groups[values].append(row)
    clashes = [group for group in groups.values() if len(group) > 1]
    if not clashes:
        return
    if key.condition is not None:
        raise Conflict(
            f"Some {relation.label} are active for more than one of these records, and only "
            f"one may be once they are merged ({key.name}): the extra ones must end or be "
            "cancelled first.",
            field="duplicate_ids",
        )

    def preference(row):
        updated = row.get("updated_at") or _OLDEST
        if isinstance(updated, datetime) and updated.tzinfo is not None:
            updated = updated.replace(tzinfo=None)  # aware vs naive never mix in the sort
        return (updated, -rank[row[relation.attname]])

    moves: dict[int, int] = {}
    for group in clashes:
        keep = max(group, key=preference)
        moves.update({row["pk"]: keep["pk"] for row in group if row is not keep})
    # Activities and notifications about a dropped row now tell of the kept one.
    repoint_generic(relation.model, moves)
    try:
        relation.model._base_manager.filter(pk__in=list(moves)).delete()
    except ProtectedError as exc:
        raise Conflict(
            f"Some {relation.label} of these records cannot be dropped: {exc.args[0]}",
            field="duplicate_ids",
        ) from exc


def _finish(model, redirect_model, survivor, duplicates) -> None:
    """Redirect the duplicates' ids, point generic references at the survivor, delete them."""
    duplicate_pks = [dup.pk for dup in duplicates]
    repoint_generic(model, {pk: survivor.pk for pk in duplicate_pks})
    field = redirect_model._meta.get_field("old_id").name
    target = "book" if model is Book else "author"
    redirect_model.objects.bulk_create(
        [redirect_model(**{field: pk, target: survivor}) for pk in duplicate_pks]
    )
    for relation in relations_to(model):  # nothing may be left for the cascade to take
        if relation.rows(duplicate_pks).exists():
            raise Conflict(
                f"New {relation.label} appeared while merging; try again.", field="duplicate_ids"
            )
    model.objects.filter(pk__in=duplicate_pks).delete()


def _renumber_contributions(survivor: Book, origin: dict[int, int]) -> None:
    """The survivor's byline first, then each duplicate's extra contributors in its order.

    `origin` maps each contribution (taken before the move) to the rank of its book.
    """
    contributions = list(BookAuthor.objects.filter(book=survivor))
    contributions.sort(key=lambda c: (origin.get(c.pk, 0), c.position, c.pk))
    for position, contribution in enumerate(contributions):
        contribution.position = position
    BookAuthor.objects.bulk_update(contributions, ["position"])


def _undefault_editions(duplicates: list[Book]) -> list[Edition]:
    """The duplicates' default editions (in the duplicates' order), no longer defaults: they
    join the survivor's editions, which keep its default."""
    editions = Edition.objects.filter(book__in=duplicates, is_default=True)
    by_book = {edition.book_id: edition for edition in editions}
    editions.update(is_default=False)
    return [by_book[dup.pk] for dup in duplicates if dup.pk in by_book]


def _choose_default_edition(survivor: Book, former_defaults: list[Edition]) -> None:
    """The survivor's default edition stays, unless it has no ISBN and a duplicate's default
    has one (the duplicate was the better-known edition of the work): then that one."""
    current = Edition.objects.filter(book=survivor, is_default=True).first()
    if current is not None and (current.isbn13 or current.isbn10):
        return
    chosen = next((e for e in former_defaults if e.isbn13 or e.isbn10), None)
    if chosen is None and current is None:
        chosen = next(iter(former_defaults), None)
    if chosen is not None:
        Edition.objects.filter(book=survivor, is_default=True).update(is_default=False)
        Edition.objects.filter(pk=chosen.pk).update(is_default=True)


def _fill(survivor, duplicates, names, empty=("", None)) -> None:
    for name in names:
        if getattr(survivor, name) in empty:
            for dup in duplicates:
                value = getattr(dup, name)
                if value not in empty:
                    setattr(survivor, name, value)
                    break


def _fill_book(survivor: Book, duplicates: list[Book]) -> None:
    """Identifiers and details the survivor lacks come from the first duplicate that has them.

    The duplicates are deleted before the survivor is saved, so their unique identifiers are
    free to move.
    """
    if not survivor.isbn13:
        donor = next((dup for dup in duplicates if dup.isbn13), None)
        if donor is not None:  # the ISBN-10 and ISBN-13 of one edition travel together
            survivor.isbn10, survivor.isbn13 = donor.isbn10, donor.isbn13
    _fill(survivor, duplicates, BOOK_DETAILS)
    if survivor.series_id is None:
        donor = next((dup for dup in duplicates if dup.series_id is not None), None)
        if donor is not None:
            survivor.series_id, survivor.series_position = donor.series_id, donor.series_position
    # Each source counted the same work's readers: the largest count is the best estimate.
    survivor.source_ratings_count = max(
        [survivor.source_ratings_count, *(dup.source_ratings_count for dup in duplicates)]
    )


def _fill_author(survivor: Author, duplicates: list[Author]) -> None:
    _fill(survivor, duplicates, ["openlibrary_id", "goodreads_id", "wikidata_id", "bio", "photo"])
    for dup in duplicates:
        birth = survivor.birth_year if survivor.birth_year is not None else dup.birth_year
        death = survivor.death_year if survivor.death_year is not None else dup.death_year
        if birth is None or death is None or death >= birth:  # never a death before birth
            survivor.birth_year, survivor.death_year = birth, death


def _recount_ratings(book: Book) -> None:
    """`average_rating` and `ratings_count` exactly from the book's ratings, after the move.

    Ratings live in `apps.reading`; they are reached through the reverse relation named
    `ratings` (a model with a `value`), so catalog does not import reading. The mean is
    computed from the exact decimal sum and rounded half up to the field's 2 decimals.
    """
    relation = next(
        (
            rel
            for rel in Book._meta.related_objects
            if rel.get_accessor_name() == "ratings" and rel.one_to_many
        ),
        None,
    )
    if relation is None:
        return
    totals = relation.related_model._base_manager.filter(
        **{relation.field.attname: book.pk}
    ).aggregate(total=Sum("value"), count=Count("pk"))
    count = totals["count"] or 0
    book.ratings_count = count
    book.average_rating = (
        (Decimal(totals["total"]) / count).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if count
        else Decimal("0")
    )
