"""Crash safety of imports with real processes: a `manage.py import_worker` on PostgreSQL and
Redis is SIGKILLed in the middle of a batch, a second worker resumes the job, and every row of
the file is in the reader's library exactly once.

The worker processes use the test's own database (committed rows: a transactional test) and a
job queue of their own (a unique channel prefix), so nothing else in the run can take the job.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from apps.catalog.models import Book
from apps.imports.jobs import start_import
from apps.imports.models import ImportedBook, ImportJob, ImportStatus
from apps.reading.models import Rating, UserBook
from tests.conftest import ROOT
from tests.e2e.server import server_env
from tests.factories import make_user
from tests.imports.files import goodreads_csv

ROWS = 1500
BATCH = 100
STALE_AFTER = 10  # the least IMPORT_STALE_AFTER takes: the second worker resumes after it

needs_services = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres")
    or not os.environ.get("REDIS_URL"),
    reason="a real worker process needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)",
)
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("e2e"),
    needs_services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# A backend of the workers' database (not the test's own) inside a transaction: a batch.
IN_A_BATCH = """
SELECT count(*) FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL
  AND state IN ('active', 'idle in transaction')
"""


@pytest.fixture
def worker_env(settings, tmp_path):
    """The environment of worker processes sharing the test's database, media and job queue."""
    prefix = f"booknest-crash-{uuid.uuid4().hex[:12]}"
    layers = {**settings.CHANNEL_LAYERS, "imports": dict(settings.CHANNEL_LAYERS["imports"])}
    layers["imports"]["CONFIG"] = {
        **layers["imports"]["CONFIG"],
        "prefix": f"{prefix}:asgi:jobs",  # what CACHE_KEY_PREFIX gives the workers
    }
    settings.CHANNEL_LAYERS = layers
    settings.IMPORT_RUNNER = "worker"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.OPENLIBRARY_ENABLED = False
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    url = f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    return server_env(
        DATABASE_URL=url,
        CACHE_KEY_PREFIX=prefix,
        DJANGO_MEDIA_ROOT=settings.MEDIA_ROOT,
        DJANGO_SECRET_KEY="import-crash-tests-only",
        DJANGO_DEBUG="false",
        IMPORT_RUNNER="worker",
        IMPORT_BATCH_SIZE=str(BATCH),
        IMPORT_STALE_AFTER=str(STALE_AFTER),
        OPENLIBRARY_ENABLED="false",
        LOG_LEVEL="WARNING",
    )


@contextmanager
def import_worker(env: dict[str, str], sweep_every: float):
    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_worker", "--sweep-every", str(sweep_every)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def job_state(pk: int) -> ImportJob:
    return ImportJob.objects.get(pk=pk)


def wait_for(predicate, timeout: float, interval: float = 0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"not within {timeout} s")


def library() -> str:
    # Every row a book the catalogue does not have: each batch creates books, authors, shelf
    # entries and ratings, and recomputes the books' rating figures.
    return goodreads_csv(
        [
            {
                "Title": f"Crash Book {n}",
                "Author": f"Crash Writer {n % 40}",
                "My Rating": str(n % 5 + 1),
                "Exclusive Shelf": "read",
            }
            for n in range(ROWS)
        ]
    )


def mid_batch(pk: int) -> bool:
    """The job has committed a batch or more, and its worker is inside the next one."""
    if not (0 < job_state(pk).processed_rows < ROWS - BATCH):
        return False
    with connection.cursor() as cursor:
        cursor.execute(IN_A_BATCH)
        return cursor.fetchone()[0] > 0


def finished(pk: int) -> ImportJob | None:
    state = job_state(pk)
    return state if state.status not in (ImportStatus.PENDING, ImportStatus.RUNNING) else None


def assert_imported_exactly_once(reader, done: ImportJob) -> None:
    assert (done.status, done.error) == (ImportStatus.SUCCEEDED, "")
    assert (done.processed_rows, done.created_count, done.failed_count) == (ROWS, ROWS, 0)
    assert (done.updated_count, done.skipped_count) == (0, 0)
    # Every row exactly once: one shelf entry, one rating, one catalogue book each.
    entries = UserBook.objects.filter(user=reader)
    assert entries.count() == ROWS
    assert entries.values("book__title").distinct().count() == ROWS
    assert Rating.objects.filter(user=reader).count() == ROWS
    assert Book.objects.filter(title__startswith="Crash Book ").count() == ROWS
    assert ImportedBook.objects.filter(job_id=done.pk).count() == ROWS
    assert sum(r.value for r in Rating.objects.filter(user=reader)) == sum(
        n % 5 + 1 for n in range(ROWS)
    )


def queue_import():
    reader = make_user()
    job = start_import(reader, SimpleUploadedFile("lib.csv", library().encode()))
    assert job.status == ImportStatus.PENDING  # queued in Redis for a worker
    return reader, job


def test_a_worker_killed_mid_batch_leaves_every_row_imported_exactly_once(worker_env):
    reader, job = queue_import()
    with import_worker(worker_env, sweep_every=600) as first:
        wait_for(lambda: mid_batch(job.pk), timeout=120)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)

    killed = job_state(job.pk)
    assert killed.status == ImportStatus.RUNNING
    assert 0 < killed.processed_rows < ROWS and killed.processed_rows % BATCH == 0
    # Only the committed batches are there: the killed one left nothing behind.
    assert UserBook.objects.filter(user=reader).count() == killed.processed_rows
    assert Rating.objects.filter(user=reader).count() == killed.processed_rows

    with import_worker(worker_env, sweep_every=1):
        done = wait_for(lambda: finished(job.pk), timeout=STALE_AFTER + 120, interval=0.2)
    assert done.attempts == 2  # the killed run, then the resumed one
    assert_imported_exactly_once(reader, done)


def test_a_paused_worker_that_wakes_after_its_job_was_resumed_writes_nothing(worker_env):
    """A worker frozen mid-batch (a VM suspended, a long pause) past IMPORT_STALE_AFTER loses
    its job to another worker; when it wakes, its batch must not land as well."""
    reader, job = queue_import()
    with import_worker(worker_env, sweep_every=600) as first:
        wait_for(lambda: mid_batch(job.pk), timeout=120)
        os.killpg(first.pid, signal.SIGSTOP)
        paused = job_state(job.pk).processed_rows
        try:
            with import_worker(worker_env, sweep_every=1):
                # The second worker resumes the job and commits a batch of its own ...
                resumed = wait_for(
                    lambda: (
                        (s := job_state(job.pk)).attempts == 2 and s.processed_rows > paused + BATCH
                    ),
                    timeout=STALE_AFTER + 120,
                    interval=0.05,
                )
                assert resumed
                # ... and then the first one wakes up in the middle of its batch.
                os.killpg(first.pid, signal.SIGCONT)
                done = wait_for(lambda: finished(job.pk), timeout=120, interval=0.2)
        finally:
            os.killpg(first.pid, signal.SIGCONT)
    assert_imported_exactly_once(reader, done)


def test_a_worker_asked_to_stop_hands_its_job_to_the_next_one_at_once(worker_env):
    """SIGTERM (or Ctrl-C through `make run`) mid-job: the worker exits after its current
    batch, the job goes back to the queue, and the next worker resumes it without waiting
    IMPORT_STALE_AFTER (set far beyond this test's time limits here)."""
    env = {**worker_env, "IMPORT_STALE_AFTER": "3600"}
    reader, job = queue_import()
    with import_worker(env, sweep_every=3600) as first:
        wait_for(lambda: mid_batch(job.pk), timeout=120)
        os.killpg(first.pid, signal.SIGTERM)
        assert first.wait(timeout=30) == 0
    handed = job_state(job.pk)
    assert handed.status == ImportStatus.PENDING
    assert 0 < handed.processed_rows < ROWS and handed.processed_rows % BATCH == 0
    assert handed.attempts == 0  # a stop is not a failed attempt
    assert UserBook.objects.filter(user=reader).count() == handed.processed_rows

    with import_worker(env, sweep_every=3600):
        done = wait_for(lambda: finished(job.pk), timeout=120, interval=0.2)
    assert done.attempts == 1
    assert_imported_exactly_once(reader, done)
