"""Running the rows of a file into a reader's library: batches, each atomic, with counters.

Each batch (IMPORT_BATCH_SIZE rows) is matched, written and counted in ONE transaction, so
the job's `processed_rows` always equals the rows whose effects are committed: a job that dies
resumes after its last committed batch and writes nothing twice. A batch the database refuses
is retried row by row, each row in its own savepoint: the good rows land, the bad row is
reported with the database's reason, and nothing of it stays half-written.

A run owns its job through `attempts`, the number its claim set (apps.imports.jobs.run_job):
each batch commits only while the job is still RUNNING under that number. A runner that froze
past IMPORT_STALE_AFTER (its job resumed by another) and then wakes gets JobTaken at the end
of its batch, and the batch is rolled back instead of landing twice.
"""

import logging
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone

from apps.imports.events import publish_import_progress
from apps.imports.formats.rows import ImportRow, RowError
from apps.imports.matching import Enricher, create_books, edition_ids, match_books
from apps.imports.models import ImportJob, ImportRowError, ImportStatus
from apps.imports.writer import CREATED, SKIPPED, UPDATED, refresh_rating_stats, write_batch

log = logging.getLogger(__name__)
RAW_VALUE_MAX = 500


class JobTaken(Exception):
    """Another runner resumed the job (this one stopped beating for too long): stop, quietly."""


def import_rows(
    job: ImportJob,
    items: Iterable[ImportRow | RowError],
    *,
    batch_size: int,
    enrich: Enricher | None = None,
    after_batch: Callable[[ImportJob], None] | None = None,
) -> None:
    """Imports `items` (the file's rows after the already processed ones) for `job.user`."""
    for chunk in _chunks(items, batch_size):
        with transaction.atomic():
            counts, errors = _import_chunk(job, chunk, enrich)
            ImportRowError.objects.bulk_create(
                ImportRowError(job=job, row_number=e.row_number, reason=e.reason, raw=_raw(e.raw))
                for e in errors
            )
            owned = ImportJob.objects.filter(
                pk=job.pk, status=ImportStatus.RUNNING, attempts=job.attempts
            ).update(
                processed_rows=F("processed_rows") + len(chunk),
                created_count=F("created_count") + counts[CREATED],
                updated_count=F("updated_count") + counts[UPDATED],
                skipped_count=F("skipped_count") + counts[SKIPPED],
                failed_count=F("failed_count") + len(errors),
                heartbeat_at=timezone.now(),
            )
            if not owned:
                raise JobTaken(f"import {job.pk}: run {job.attempts} no longer owns the job")
            job.refresh_from_db()
            publish_import_progress(job)  # sent once the batch has committed
        if after_batch:
            after_batch(job)


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _import_chunk(job, chunk, enrich) -> tuple[dict[str, int], list[RowError]]:
    errors = [item for item in chunk if isinstance(item, RowError)]
    rows = [item for item in chunk if isinstance(item, ImportRow)]
    counts = {CREATED: 0, UPDATED: 0, SKIPPED: 0}
    if not rows:
        return counts, errors
    try:
        with transaction.atomic():  # a savepoint: a refused batch leaves nothing behind
            outcomes = write_rows(job, rows, enrich)
    except DatabaseError:
        log.info("import %s: a batch was refused; retrying its rows one by one", job.pk)
        outcomes = {}
        for row in rows:
            try:
                with transaction.atomic():
                    outcomes.update(write_rows(job, [row], enrich))
            except DatabaseError as exc:
                reason = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
                errors.append(
                    RowError(row.row_number, f"The database refused the row: {reason}", row.raw)
                )
    for outcome in outcomes.values():
        counts[outcome] += 1
    errors.sort(key=lambda e: e.row_number)
    return counts, errors


def write_rows(job, rows: list[ImportRow], enrich: Enricher | None = None) -> dict[int, str]:
    """Matches, creates the missing books, and writes the rows; {row number: outcome}."""
    book_ids = match_books(rows)
    unmatched = [row for row in rows if row.row_number not in book_ids]
    if unmatched:
        book_ids.update(create_books(job, unmatched, enrich))
    result = write_batch(job.user, rows, book_ids, edition_ids(rows, book_ids))
    refresh_rating_stats(result.rated_books)
    return result.outcomes


def _raw(raw: dict) -> dict:
    return {str(k)[:100]: str(v)[:RAW_VALUE_MAX] for k, v in list(raw.items())[:40]}


def skip(items: Iterable, count: int) -> Iterator:
    """The items after the first `count` (a resumed job's already committed rows)."""
    return islice(iter(items), count, None)
