"""The embedded runner: the job runs in a background thread, on its own connection, after the
request's transaction commits."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.imports.jobs import start_import
from apps.imports.models import ImportJob, ImportStatus
from apps.notifications.models import Notification
from tests.factories import make_user
from tests.imports.files import goodreads_csv


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_thread_runner_imports_in_the_background_and_notifies(settings):
    settings.IMPORT_RUNNER = "thread"
    reader = make_user()
    text = goodreads_csv([{"Title": f"Book {n}", "My Rating": "3"} for n in range(30)])
    job = start_import(reader, SimpleUploadedFile("lib.csv", text.encode()))
    assert job.status == ImportStatus.PENDING
    # Wait for the runner's thread rather than polling: SQLite's shared in-memory test database
    # refuses a read while another connection writes ("table is locked").
    [runner] = [t for t in threading.enumerate() if t.name == f"import-{job.pk}"] or [None]
    if runner is not None:
        runner.join(timeout=30)
        assert not runner.is_alive()
    job.refresh_from_db()
    assert job.status == ImportStatus.SUCCEEDED, job.error
    assert (job.processed_rows, job.created_count) == (30, 30)
    assert Notification.objects.filter(recipient=reader, type__key="import_finished").exists()
    assert ImportJob.objects.get(pk=job.pk).finished_at is not None
