"""`ImportJob.waitingForWorker`: a job nobody picks up says so (the live flip over a WebSocket is
tested in tests/e2e/test_import_worker_live.py)."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from strawberry.relay import to_base64

from apps.imports.models import ImportJob, ImportStatus
from tests.factories import make_user

pytestmark = pytest.mark.django_db

JOB = "query ($id: ID!) { importJob(id: $id) { status waitingForWorker } }"


def job_of(reader, *, status: str, age: float, heartbeat_age: float | None = None) -> ImportJob:
    now = timezone.now()
    job = ImportJob(user=reader, format="goodreads", status=status, total_rows=10)
    job.file.save("library.csv", ContentFile(b"Title\nDune\n"), save=False)
    if heartbeat_age is not None:
        job.heartbeat_at = now - timedelta(seconds=heartbeat_age)
    job.save()
    ImportJob.objects.filter(pk=job.pk).update(created_at=now - timedelta(seconds=age))
    return job


def waiting(gql, reader, job) -> tuple[str, bool]:
    data = gql.login(reader)(JOB, {"id": to_base64("ImportJob", job.pk)})["data"]["importJob"]
    return data["status"], data["waitingForWorker"]


@pytest.mark.parametrize(
    ("status", "age", "heartbeat_age", "expected"),
    [
        (ImportStatus.PENDING, 5, None, False),  # just queued
        (ImportStatus.PENDING, 61, None, True),  # nobody took it for over a minute
        (ImportStatus.RUNNING, 900, 30, False),  # long, but beating
        (ImportStatus.RUNNING, 900, 301, True),  # its worker stopped (IMPORT_STALE_AFTER)
        (ImportStatus.SUCCEEDED, 900, 900, False),
        (ImportStatus.FAILED, 900, 900, False),
    ],
)
def test_import_job_says_when_it_waits_for_a_worker(gql, status, age, heartbeat_age, expected):
    reader = make_user()
    job = job_of(reader, status=status, age=age, heartbeat_age=heartbeat_age)
    assert waiting(gql, reader, job) == (status.upper(), expected)


def test_the_threshold_is_a_setting(gql, settings):
    reader = make_user()
    job = job_of(reader, status=ImportStatus.PENDING, age=20)
    assert waiting(gql, reader, job) == ("PENDING", False)
    settings.IMPORT_WAITING_FOR_WORKER_AFTER = 15
    assert waiting(gql, reader, job) == ("PENDING", True)
