"""Writing one batch of matched rows into a reader's library, in bulk.

The rule that keeps an import from overwriting the reader's own work: an existing shelf entry,
rating or review changes only when the row is dated (its latest of date added, started and
read) AFTER the day that entry was last changed in BookNest; otherwise BookNest's value stays
and the import only adds what is missing (a rating, a review, a list membership). Re-importing
a file therefore changes nothing: everything it wrote is dated the day of the import, which no
row of the file is after. Lists are only ever added to, never emptied.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Count, Max, Sum
from django.db.models.functions import Lower
from django.utils import timezone

from apps.catalog.models import Book
from apps.imports.formats.rows import ImportRow
from apps.reading.models import (
    Rating,
    ReadingList,
    ReadingListItem,
    ReadingStatus,
    Review,
    UserBook,
)

FINISHING = {ReadingStatus.READ, ReadingStatus.DID_NOT_FINISH}
ENTRY_FIELDS = [
    "status",
    "started_at",
    "finished_at",
    "read_count",
    "owned_copies",
    "private_notes",
    "updated_at",
]
CREATED, UPDATED, SKIPPED = "created", "updated", "skipped"


@dataclass
class BatchResult:
    """How each row of the batch ended: created, updated or skipped (by row number)."""

    outcomes: dict[int, str] = field(default_factory=dict)
    rated_books: set[int] = field(default_factory=set)


def _may_replace(row: ImportRow, existing) -> bool:
    """Whether the row's values may replace `existing`'s (see the module's rule)."""
    if existing.pk is None:
        # Written by an earlier row of this batch: like anything the import wrote, it counts
        # as changed today, so a file naming a book twice keeps its first row in any batching.
        return False
    dated = row.dated
    return dated is not None and dated > timezone.localdate(existing.updated_at)


def write_batch(
    user, rows: list[ImportRow], book_ids: dict[int, int], edition_ids: dict[int, int] | None = None
) -> BatchResult:
    """Shelve, rate, review and list each row's book for `user`; the caller holds the
    transaction. Queries do not grow with the batch's size. A row's edition (its ISBN's, from
    `edition_ids`) is the new shelf entry's, or fills an existing entry that names none."""
    edition_ids = edition_ids or {}
    now = timezone.now()
    books = set(book_ids.values())
    entries = {e.book_id: e for e in UserBook.objects.filter(user=user, book_id__in=books)}
    ratings = {r.book_id: r for r in Rating.objects.filter(user=user, book_id__in=books)}
    reviews = {r.book_id: r for r in Review.objects.filter(user=user, book_id__in=books)}
    new_entries, new_ratings, new_reviews = [], [], []
    changed: dict[type, dict[int, object]] = {UserBook: {}, Rating: {}, Review: {}}
    result = BatchResult()
    filled: list[UserBook] = []

    for row in rows:
        book_id = book_ids[row.row_number]
        entry = entries.get(book_id)
        outcome = SKIPPED
        edition_id = edition_ids.get(row.row_number)
        if entry is None:
            if row.status is not None:
                entry = entries[book_id] = _new_entry(user, book_id, row)
                entry.edition_id = edition_id
                new_entries.append(entry)
                outcome = CREATED
        else:
            if entry.edition_id is None and edition_id is not None:
                entry.edition_id = edition_id  # what was missing; not a change by the reader
                filled.append(entry)
            if _may_replace(row, entry) and _merge_entry(entry, row):
                _touch(changed, entry, now)
                outcome = UPDATED
        if row.rating is not None:
            rating = ratings.get(book_id)
            if rating is None:
                rating = ratings[book_id] = Rating(user=user, book_id=book_id, value=row.rating)
                new_ratings.append(rating)
                result.rated_books.add(book_id)
                outcome = _added(outcome, entry)
            elif rating.value != row.rating and _may_replace(row, rating):
                rating.value = row.rating
                _touch(changed, rating, now)
                result.rated_books.add(book_id)
                outcome = outcome if outcome == CREATED else UPDATED
        if row.review:
            review = reviews.get(book_id)
            if review is None:
                review = Review(user=user, book_id=book_id, body=row.review, spoiler=row.spoiler)
                reviews[book_id] = review
                new_reviews.append(review)
                outcome = _added(outcome, entry)
            elif (review.body, review.spoiler) != (row.review, row.spoiler) and _may_replace(
                row, review
            ):
                review.body, review.spoiler = row.review, row.spoiler
                _touch(changed, review, now)
                outcome = outcome if outcome == CREATED else UPDATED
        result.outcomes[row.row_number] = outcome

    UserBook.objects.bulk_create(new_entries)
    Rating.objects.bulk_create(new_ratings)
    Review.objects.bulk_create(new_reviews)
    UserBook.objects.bulk_update(list(changed[UserBook].values()), [*ENTRY_FIELDS, "edition"])
    UserBook.objects.bulk_update(filled, ["edition"])
    Rating.objects.bulk_update(list(changed[Rating].values()), ["value", "updated_at"])
    Review.objects.bulk_update(list(changed[Review].values()), ["body", "spoiler", "updated_at"])
    for number in _add_to_lists(user, rows, book_ids):
        if result.outcomes[number] == SKIPPED:
            result.outcomes[number] = UPDATED
    return result


def _added(outcome: str, entry: UserBook | None) -> str:
    """The outcome of a row that added something: CREATED if it is new to the library."""
    if outcome == CREATED or entry is None:
        return CREATED
    return UPDATED


def _touch(changed: dict, obj, now) -> None:
    if obj.pk is not None:  # new objects are inserted whole at the end of the batch
        obj.updated_at = now
        changed[type(obj)][obj.pk] = obj


def _new_entry(user, book_id: int, row: ImportRow) -> UserBook:
    status = row.status or ReadingStatus.WANT_TO_READ
    read_count = row.read_count
    if read_count is None:
        read_count = 1 if status == ReadingStatus.READ else 0
    return UserBook(
        user=user,
        book_id=book_id,
        status=status,
        started_at=row.started_at,
        finished_at=row.finished_at if status in FINISHING else None,
        read_count=read_count,
        owned_copies=row.owned_copies or 0,
        private_notes=row.private_notes,
    )


def _merge_entry(entry: UserBook, row: ImportRow) -> bool:
    """The row's view of the shelf entry, over what BookNest had; True when anything changed."""
    before = [getattr(entry, name) for name in ENTRY_FIELDS[:-1]]
    status = row.status or entry.status
    if status == ReadingStatus.WANT_TO_READ:
        started, finished = None, None
    else:
        started = row.started_at or entry.started_at
        finished = (row.finished_at or entry.finished_at) if status in FINISHING else None
        if started and finished and started > finished:
            started = row.started_at if row.started_at and row.started_at <= finished else None
    entry.status, entry.started_at, entry.finished_at = status, started, finished
    if row.read_count is not None:
        entry.read_count = row.read_count
    if row.owned_copies is not None:
        entry.owned_copies = row.owned_copies
    if row.private_notes:
        entry.private_notes = row.private_notes
    return before != [getattr(entry, name) for name in ENTRY_FIELDS[:-1]]


def _add_to_lists(user, rows: list[ImportRow], book_ids: dict[int, int]) -> set[int]:
    """Adds each row's book to the reader's lists named by the row (creating the lists);
    returns the numbers of the rows that added anything."""
    wanted = {name.lower(): name for row in rows for name in row.lists}
    if not wanted:
        return set()
    lists = {
        lst.lower_name: lst
        for lst in ReadingList.objects.annotate(lower_name=Lower("name")).filter(
            owner=user, lower_name__in=wanted
        )
    }
    new = [ReadingList(owner=user, name=name) for key, name in wanted.items() if key not in lists]
    ReadingList.objects.bulk_create(new)
    lists.update({lst.name.lower(): lst for lst in new})
    list_ids = [lst.pk for lst in lists.values()]
    books = set(book_ids.values())
    present = set(
        ReadingListItem.objects.filter(reading_list_id__in=list_ids, book_id__in=books).values_list(
            "reading_list_id", "book_id"
        )
    )
    last = dict(
        ReadingListItem.objects.filter(reading_list_id__in=list_ids)
        .values("reading_list_id")
        .annotate(last=Max("position"))
        .values_list("reading_list_id", "last")
    )
    items, touched = [], set()
    for row in rows:
        book_id = book_ids[row.row_number]
        for name in row.lists:
            list_id = lists[name.lower()].pk
            if (list_id, book_id) in present:
                continue
            present.add((list_id, book_id))
            last[list_id] = last.get(list_id, 0) + 1  # appended, in file order
            items.append(
                ReadingListItem(reading_list_id=list_id, book_id=book_id, position=last[list_id])
            )
            touched.add(row.row_number)
    ReadingListItem.objects.bulk_create(items)
    return touched


CENT = Decimal("0.01")


def refresh_rating_stats(book_ids: Iterable[int]) -> None:
    """Exact `average_rating`/`ratings_count` of the books, recomputed in bulk.

    Does what `apps.reading.services.ratings.refresh_rating_stats` does per book, for a batch:
    the rows are locked in id order first (so concurrent raters queue behind the import
    without deadlocking), then recomputed from the rating rows in one aggregate.
    """
    ids = sorted(set(book_ids))
    if not ids:
        return
    list(Book.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
    totals = {
        row["book_id"]: row
        for row in Rating.objects.filter(book_id__in=ids)
        .values("book_id")
        .annotate(total=Sum("value"), n=Count("id"))
    }
    values = []
    for pk in ids:
        total = totals.get(pk)
        count = total["n"] if total else 0
        average = (
            (Decimal(str(total["total"])) / count).quantize(CENT, rounding=ROUND_HALF_UP)
            if count
            else Decimal("0.00")
        )
        values.append((pk, str(average), count))
    # One UPDATE … FROM (VALUES …) per batch (PostgreSQL and SQLite >= 3.33 both take it):
    # `bulk_update`'s CASE expressions cost more than the rest of a batch together.
    table = connection.ops.quote_name(Book._meta.db_table)
    cast = "CAST(v.column2 AS NUMERIC)"
    rows = ", ".join(["(%s, %s, %s)"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET average_rating = {cast}, ratings_count = v.column3 "  # noqa: S608
            f"FROM (VALUES {rows}) AS v WHERE {table}.id = v.column1",
            [item for row in values for item in row],
        )
