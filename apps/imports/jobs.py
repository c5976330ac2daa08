"""Import jobs: accepting a file, running it outside the request, and never losing a job.

Where the work runs (IMPORT_RUNNER): `thread` (the embedded default) runs it in a background
thread of the server process, started after the request's transaction commits, on its own
database connection; `worker` (the default with REDIS_URL) sends it to the `imports` channel,
where `python manage.py runworker imports` processes run it; `inline` runs it right after
commit in the same thread (tests, debugging).

A worker asked to stop (SIGINT, SIGTERM) hands its job back to the queue after the batch under
way, so the next worker resumes it at once. A job that stops beating (a crash, a killed worker)
is found by `sweep_stale_jobs`
(run by `python manage.py import_worker` on start and then periodically, by `python manage.py
resume_imports`, and before each new import with the thread runner): it resumes after its last
committed batch, or, after IMPORT_MAX_ATTEMPTS runs, ends FAILED with the counts it reached.
"""

import logging
import threading
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import close_old_connections, connections, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.core.errors import Conflict, ErrorCode, Invalid, ServiceError
from apps.imports.events import publish_import_progress
from apps.imports.formats.detect import check, count_records, decode, header_of, rows_of
from apps.imports.importer import JobTaken, import_rows, skip
from apps.imports.models import ImportFormat, ImportJob, ImportStatus
from apps.notifications.services import notify
from apps.notifications.types import IMPORT_FINISHED

log = logging.getLogger(__name__)
IMPORT_CHANNEL = "imports"
# Set when the worker process was asked to stop (`import_worker` on SIGINT/SIGTERM): the job it
# runs hands itself back to the queue after its current batch instead of holding the exit.
_stop_requested = threading.Event()
# The jobs running in this process, so that a stopping worker can wait for the hand-back (it
# publishes and queues through the channel layers, which the interpreter's shutdown refuses).
_runs = threading.Condition()
_running = 0
# The channel layer of the job queue (booknest/settings.py: a queue, not pub/sub).
IMPORT_LAYER = "imports"
ACTIVE = (ImportStatus.PENDING, ImportStatus.RUNNING)


def _megabytes(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{-(-size // 1024)} KB"


def start_import(user, upload, fmt: str = ImportFormat.AUTO) -> ImportJob:
    """Checks the file (size, header, rows) and queues its import; returns the PENDING job.

    Refusals: TOO_LARGE on `file` beyond IMPORT_MAX_BYTES bytes or IMPORT_MAX_ROWS rows;
    INVALID on `file` when the header is no known format (naming what was expected); CONFLICT
    on `file` while another import of the reader is under way.
    """
    if fmt not in ImportFormat.values:
        raise Invalid("Unknown import format.", field="format")
    limit = settings.IMPORT_MAX_BYTES
    # A file beyond what the server keeps arrives empty, but with its real size.
    if upload.size > limit:
        raise ServiceError(
            f"The file is {_megabytes(upload.size)}; an import takes files up to "
            f"{_megabytes(limit)}.",
            field="file",
            code=ErrorCode.TOO_LARGE,
        )
    data = upload.read()
    text = decode(data)
    if not text.strip():
        raise Invalid("The file is empty.", field="file")
    fmt = check(fmt, header_of(text))
    total = count_records(text)
    if total > settings.IMPORT_MAX_ROWS:
        raise ServiceError(
            f"The file has {total:,} rows; an import takes at most "
            f"{settings.IMPORT_MAX_ROWS:,} rows. Split it into several files.",
            field="file",
            code=ErrorCode.TOO_LARGE,
        )
    with transaction.atomic():
        # One import at a time per reader: two jobs writing one library would refuse each
        # other's rows. A job nobody runs any more does not count (the sweep picks it up).
        # The reader's row lock queues two simultaneous uploads, so only one passes the check.
        list(type(user).objects.select_for_update().filter(pk=user.pk).values_list("pk"))
        busy = ImportJob.objects.filter(
            Q(status=ImportStatus.RUNNING, heartbeat_at__gte=_stale_before())
            | Q(status=ImportStatus.PENDING, created_at__gte=_stale_before()),
            user=user,
        )
        if busy.exists():
            raise Conflict(
                "You already have an import under way; start the next one when it has finished.",
                field="file",
            )
        job = ImportJob(user=user, format=fmt, total_rows=total)
        job.file.save(f"{uuid.uuid4().hex}.csv", ContentFile(data), save=False)
        job.save()
        transaction.on_commit(lambda: _dispatch_after_sweep(job.pk))
    return job


def _dispatch_after_sweep(job_id: int) -> None:
    # The embedded server has no worker start to sweep on: each new import also picks up the
    # jobs a restart left behind (a cheap indexed query when there are none).
    if settings.IMPORT_RUNNER != "worker":
        try:
            sweep_stale_jobs()
        except Exception:
            log.exception("sweeping stale imports failed")
    dispatch(job_id)


def dispatch(job_id: int) -> None:
    """Hands the job to whatever runs imports here (IMPORT_RUNNER)."""
    runner = settings.IMPORT_RUNNER
    if runner == "worker":
        from asgiref.sync import async_to_sync
        from channels.layers import get_channel_layer

        message = {"type": "import.run", "job_id": job_id}
        async_to_sync(get_channel_layer(IMPORT_LAYER).send)(IMPORT_CHANNEL, message)
    elif runner == "thread":
        threading.Thread(
            target=_run_in_thread, args=(job_id,), name=f"import-{job_id}", daemon=True
        ).start()
    else:
        run_job(job_id)


def _run_in_thread(job_id: int) -> None:
    close_old_connections()
    try:
        run_job(job_id)
    finally:
        connections.close_all()  # this thread's own connection, not the server's


class _Stopped(Exception):
    """The worker is stopping: leave the job after the batch that has just committed."""


def request_stop() -> None:
    """Ask the job running in this process to hand itself back after its current batch."""
    _stop_requested.set()


def wait_for_runs(timeout: float | None = None) -> bool:
    """Waits until no job runs in this process (after `request_stop`: handed back); False on
    timeout."""
    with _runs:
        return _runs.wait_for(lambda: _running == 0, timeout)


def _stop_if_requested(job: ImportJob) -> None:
    if _stop_requested.is_set():
        raise _Stopped


def _hand_back(job: ImportJob) -> None:
    """Queues the job again as it stands (PENDING, resumed after its committed rows), without
    counting the stopped run as an attempt: the next worker to start takes it at once."""
    handed = ImportJob.objects.filter(
        pk=job.pk, status=ImportStatus.RUNNING, attempts=job.attempts
    ).update(status=ImportStatus.PENDING, heartbeat_at=None, attempts=F("attempts") - 1)
    if handed:
        log.info("import %s: handed back after row %s", job.pk, job.processed_rows)
        job.refresh_from_db()
        publish_import_progress(job)
        dispatch(job.pk)


def _stale_before():
    return timezone.now() - timedelta(seconds=settings.IMPORT_STALE_AFTER)


def run_job(job_id: int) -> None:
    """Runs (or resumes) the job if it is pending or its runner stopped beating; otherwise
    another runner has it, and this call does nothing."""
    global _running
    with _runs:
        _running += 1
    try:
        _run_job(job_id)
    finally:
        with _runs:
            _running -= 1
            _runs.notify_all()


def _run_job(job_id: int) -> None:
    now = timezone.now()
    claimed = (
        ImportJob.objects.filter(pk=job_id)
        .filter(
            Q(status=ImportStatus.PENDING)
            | Q(status=ImportStatus.RUNNING, heartbeat_at__lt=_stale_before())
        )
        .update(
            status=ImportStatus.RUNNING,
            heartbeat_at=now,
            started_at=Coalesce("started_at", now),
            attempts=F("attempts") + 1,
        )
    )
    if not claimed:
        return
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    publish_import_progress(job)
    try:
        with job.file.open("rb") as stored:
            text = decode(stored.read())
        fmt = check(job.format, header_of(text))
        items = skip(rows_of(fmt, text), job.processed_rows)
        import_rows(
            job,
            items,
            batch_size=settings.IMPORT_BATCH_SIZE,
            enrich=_enricher(),
            after_batch=_stop_if_requested,
        )
    except _Stopped:
        _hand_back(job)
        return
    except JobTaken:
        # This run froze past IMPORT_STALE_AFTER and another resumed the job: that one finishes.
        log.warning("import %s: resumed by another runner while this one was stalled", job_id)
        return
    except Exception as exc:
        log.exception("import %s failed", job_id)
        reason = exc.errors[0].message if isinstance(exc, ServiceError) else type(exc).__name__
        finish(job, ImportStatus.FAILED, f"The import stopped: {reason.rstrip('.')}.")
        return
    finish(job, ImportStatus.SUCCEEDED)


def finish(job: ImportJob, status: str, error: str = "") -> None:
    """Ends the job, tells its owner (`import_finished`) and its progress subscribers; a job
    that has already ended (another sweeper got there first), or that another run has claimed
    since `job` was read (its `attempts` moved on), is left as it is."""
    with transaction.atomic():
        ended = ImportJob.objects.filter(
            pk=job.pk, status__in=ACTIVE, attempts=job.attempts
        ).update(
            status=status, error=error, finished_at=timezone.now(), heartbeat_at=timezone.now()
        )
        if not ended:
            return
        job.refresh_from_db()
        notify(
            job.user,
            IMPORT_FINISHED,
            target=job,
            data={
                "job_id": job.pk,
                "status": job.status,
                "created": job.created_count,
                "updated": job.updated_count,
                "skipped": job.skipped_count,
                "failed": job.failed_count,
            },
        )
        publish_import_progress(job)
        if status == ImportStatus.SUCCEEDED:
            # The file is the reader's whole library: once imported, nothing needs it (a failed
            # job's file stays for the admins to look into).
            transaction.on_commit(lambda: _delete_file(job.file.name), robust=True)


def _delete_file(name: str) -> None:
    from django.core.files.storage import default_storage

    default_storage.delete(name)


def sweep_stale_jobs() -> list[tuple[int, str]]:
    """Resumes or fails the jobs nobody is running any more; [(job id, "resumed"|"failed")]."""
    stale = ImportJob.objects.filter(
        Q(status=ImportStatus.RUNNING, heartbeat_at__lt=_stale_before())
        | Q(status=ImportStatus.PENDING, created_at__lt=_stale_before())
    ).select_related("user")
    done = []
    for job in stale:
        if job.attempts >= settings.IMPORT_MAX_ATTEMPTS:
            finish(
                job,
                ImportStatus.FAILED,
                f"The import stopped {job.attempts} times and was given up after row "
                f"{job.processed_rows}; the rows before it are in your library.",
            )
            done.append((job.pk, "failed"))
        else:
            dispatch(job.pk)
            done.append((job.pk, "resumed"))
    return done


def _enricher():
    if not settings.OPENLIBRARY_ENABLED:
        return None
    from apps.imports.enrichment import enrich_books

    return enrich_books
