"""Writing search documents: after commit on every change, or in bulk for a rebuild.

Changes are queued per transaction and written once when it commits, so a book saved five
times in one request is indexed once, and a rolled-back change is never indexed. The database
documents are always written (they answer when OpenSearch does not); OpenSearch, when
configured, receives the same documents in one bulk request.
"""

import logging
import threading
from collections import defaultdict
from contextlib import nullcontext

from django.db import connection, transaction

from apps.search.documents import ALL_IDS, BUILDERS
from apps.search.models import Kind, SearchDocument

logger = logging.getLogger(__name__)
CHUNK = 500
_UPDATE_FIELDS = [
    "title",
    "people",
    "subtitle",
    "body",
    "match_text",
    "popularity",
    "owner_id",
    "privacy",
    "language",
    "year",
    "rating",
    "isbns",
    "updated_at",
]
_pending = threading.local()


def _chunks(ids: list[int], size: int = CHUNK):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def write(kind: str, ids) -> tuple[list[SearchDocument], list[int]]:
    """(Re)build the documents of `ids`; ids that should not be found are removed."""
    ids = sorted(set(ids))
    written, removed = [], []
    for chunk in _chunks(ids):
        docs = BUILDERS[Kind(kind)](chunk)
        found = {doc.object_id for doc in docs}
        gone = [object_id for object_id in chunk if object_id not in found]
        with transaction.atomic():
            if gone:
                _vendor_remove(kind, gone)
                SearchDocument.objects.filter(kind=kind, object_id__in=gone).delete()
            if docs:
                SearchDocument.objects.bulk_create(
                    docs,
                    update_conflicts=True,
                    unique_fields=["kind", "object_id"],
                    update_fields=_UPDATE_FIELDS,
                )
                _vendor_refresh(kind, sorted(found))
        written += docs
        removed += gone
    return written, removed


def _vendor_refresh(kind: str, object_ids: list[int]) -> None:
    if connection.vendor == "postgresql":
        from apps.search.backends.postgres import refresh_vectors

        refresh_vectors(kind, object_ids)
    elif connection.vendor == "sqlite":
        from apps.search.backends.sqlite import refresh_fts

        refresh_fts(kind, object_ids)


def _vendor_remove(kind: str, object_ids: list[int]) -> None:
    if connection.vendor == "sqlite":
        from apps.search.backends.sqlite import remove_fts

        remove_fts(kind, object_ids)


def index(kind: str, ids) -> None:
    """Write documents now, to the database and to OpenSearch when configured."""
    docs, removed = write(kind, ids)
    from apps.search.engine import opensearch_engine

    remote = opensearch_engine()
    if remote is not None:
        remote.index_documents(kind, docs, removed)


def schedule(kind: str, ids) -> None:
    """Index `ids` of `kind` once the current transaction commits (now, outside of one)."""
    conn = transaction.get_connection()
    queue = getattr(_pending, "queue", None)
    # A rollback drops the registered callback with the transaction: start a new queue then.
    registered = any(entry[1] is _flush for entry in conn.run_on_commit)
    if queue is None or not registered:
        queue = _pending.queue = defaultdict(set)
        queue[kind].update(ids)
        transaction.on_commit(_flush)  # runs at once outside a transaction
        return
    queue[kind].update(ids)


def _flush() -> None:
    queue = getattr(_pending, "queue", None) or {}
    _pending.queue = None
    for kind, ids in queue.items():
        try:
            index(kind, ids)
        except Exception:
            # The change itself is committed: a failed index update must not turn it into an
            # error for the user. `search_index --rebuild` repairs what was missed.
            logger.exception("search: indexing %s %s failed", kind, sorted(ids)[:20])


def rebuild(kinds=None, *, progress=None) -> dict[str, int]:
    """Every document of `kinds` (all) rebuilt in the database; returns counts per kind."""
    counts = {}
    with _bulk_load():
        for kind in kinds or list(Kind):
            ids = list(ALL_IDS[Kind(kind)]())
            stale = SearchDocument.objects.filter(kind=kind).exclude(object_id__in=ids)
            _vendor_remove(kind, list(stale.values_list("object_id", flat=True)))
            stale.delete()
            docs, _ = write(kind, ids)
            counts[str(kind)] = len(docs)
            if progress:
                progress(kind, len(docs))
    return counts


def _bulk_load():
    if connection.vendor == "postgresql":
        from apps.search.backends.postgres import bulk_load

        return bulk_load()
    return nullcontext()
