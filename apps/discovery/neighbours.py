"""Precomputing `BookNeighbour` rows with the item-item model of `cf`, fully or incrementally.

A full run reads every signal (`signals`) and rewrites the table. An incremental run looks at
the books whose ratings or shelves changed since the last run started (rows' `updated_at`), reads
the signals of the readers of those books (the only readers who can share them with another
book) and of the books those readers have, recomputes the changed books' neighbours exactly,
and mirrors them into their neighbours' lists (each trimmed back to the best `k`). Removed
ratings and shelves leave no timestamp: the next full run (e.g. nightly) catches them up.
"""

from collections import defaultdict

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from apps.discovery import cf
from apps.discovery.models import BookNeighbour, NeighbourRun
from apps.discovery.signals import signals
from apps.reading.models import Rating, UserBook

BATCH = 5_000


def _model(found: dict[tuple[int, int], float]):
    """The matrix of `found` and the book id of each column (reader ids are not needed)."""
    user_index: dict[int, int] = {}
    book_ids = sorted({book_id for _, book_id in found})
    book_index = {book_id: i for i, book_id in enumerate(book_ids)}
    users = [user_index.setdefault(u, len(user_index)) for u, _ in found]
    items = [book_index[b] for _, b in found]
    matrix = cf.interaction_matrix(
        users, items, list(found.values()), (len(user_index), len(book_ids))
    )
    return matrix, np.asarray(book_ids, dtype=np.int64), book_index


def _rows(neighbours, book_ids: np.ndarray):
    coo = neighbours.tocoo()
    return zip(
        book_ids[coo.row].tolist(), book_ids[coo.col].tolist(), coo.data.tolist(), strict=True
    )


def compute_all(k: int, progress=None) -> int:
    """Recompute every book's neighbours; returns the number of books that have some."""
    run = NeighbourRun.objects.create(full=True, started_at=timezone.now())
    rows: list[tuple[int, int, float]] = []
    found = signals()
    if found:  # computed outside the transaction: readers keep the old rows meanwhile
        matrix, book_ids, _ = _model(found)
        rows = list(_rows(cf.item_neighbours(matrix, k=k, progress=progress), book_ids))
    written = {book_id for book_id, _, _ in rows}
    with transaction.atomic():
        BookNeighbour.objects.all().delete()
        _insert(rows)
        _finish(run, len(written))
    return len(written)


def _insert(rows: list[tuple[int, int, float]]) -> None:
    """Write (book, neighbour, score) rows: COPY on PostgreSQL (millions of rows on a large
    catalogue: several times faster than INSERTs), batched INSERTs elsewhere."""
    if connection.vendor != "postgresql":
        BookNeighbour.objects.bulk_create(
            [BookNeighbour(book_id=b, neighbour_id=n, score=s) for b, n, s in rows],
            batch_size=BATCH,
        )
        return
    table = BookNeighbour._meta.db_table
    statement = f"COPY {table} (book_id, neighbour_id, score) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def changed_books(since) -> set[int]:
    return set(
        Rating.objects.filter(updated_at__gte=since).values_list("book_id", flat=True)
    ) | set(UserBook.objects.filter(updated_at__gte=since).values_list("book_id", flat=True))


def refresh_changed(k: int, since=None) -> int:
    """Recompute the neighbours of books changed since `since` (default: since the last run
    started; everything when there was none). Returns the number of books refreshed."""
    last = NeighbourRun.objects.filter(finished_at__isnull=False).first()
    if since is None and last is None:
        return compute_all(k)
    run = NeighbourRun.objects.create(full=False, started_at=timezone.now())
    changed = changed_books(since or last.started_at)
    if not changed:
        _finish(run, 0)
        return 0
    readers = {u for u, _ in signals(book_ids=changed)}
    their_books = {b for _, b in signals(user_ids=readers)} | changed
    # All signals of those books: exact column norms, and every reader they share.
    found = signals(book_ids=their_books)
    fresh: list[tuple[int, int, float]] = []
    if found:  # none when the changes took every signal away (e.g. a book moved to DNF)
        matrix, book_ids, book_index = _model(found)
        columns = [book_index[b] for b in changed if b in book_index]
        fresh = list(_rows(cf.item_neighbours(matrix, k=k, columns=columns), book_ids))
    with transaction.atomic():
        BookNeighbour.objects.filter(book_id__in=changed).delete()
        BookNeighbour.objects.filter(neighbour_id__in=changed).delete()
        mirrored = [(n, b, s) for b, n, s in fresh if n not in changed]
        BookNeighbour.objects.bulk_create(
            [BookNeighbour(book_id=b, neighbour_id=n, score=s) for b, n, s in fresh + mirrored],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        _trim({n for _, n, _ in fresh}, k)
        _finish(run, len(changed))
    return len(changed)


def _trim(book_ids: set[int], k: int) -> None:
    """Keep only the `k` best neighbours of each of these books."""
    lists = defaultdict(list)
    for row in (
        BookNeighbour.objects.filter(book_id__in=book_ids)
        .order_by("book_id", "-score", "neighbour_id")
        .values_list("pk", "book_id")
    ):
        lists[row[1]].append(row[0])
    extra = [pk for pks in lists.values() for pk in pks[k:]]
    BookNeighbour.objects.filter(pk__in=extra).delete()


def _finish(run: NeighbourRun, books: int) -> None:
    run.finished_at = timezone.now()
    run.books = books
    run.save(update_fields=["finished_at", "books"])
