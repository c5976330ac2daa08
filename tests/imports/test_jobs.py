"""Import jobs: limits stated in the errors, resuming a stopped job, failing a hopeless one."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.core.errors import ErrorCode, ServiceError
from apps.imports.jobs import start_import, sweep_stale_jobs
from apps.imports.models import ImportJob, ImportStatus
from apps.reading.models import UserBook
from tests.factories import make_user
from tests.imports.files import goodreads_csv

pytestmark = pytest.mark.django_db


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("library.csv", text.encode(), content_type="text/csv")


def test_file_over_the_size_limit_is_refused_with_the_limit(settings):
    settings.IMPORT_MAX_BYTES = 2048
    with pytest.raises(ServiceError) as error:
        start_import(make_user(), upload(goodreads_csv([{"Title": "x" * 400}] * 10)))
    [problem] = error.value.errors
    assert problem.code == ErrorCode.TOO_LARGE and problem.field == "file"
    assert problem.message.endswith("an import takes files up to 2 KB.")
    assert not ImportJob.objects.exists()


def test_file_over_the_row_limit_is_refused_with_the_limit(settings):
    settings.IMPORT_MAX_ROWS = 3
    with pytest.raises(ServiceError) as error:
        start_import(make_user(), upload(goodreads_csv([{"Title": f"T{n}"} for n in range(4)])))
    assert error.value.errors[0].message.startswith(
        "The file has 4 rows; an import takes at most 3"
    )


def test_unknown_header_is_refused_before_any_job():
    with pytest.raises(ServiceError) as error:
        start_import(make_user(), upload("Name,Score\nx,1\n"))
    assert "expected a Goodreads export" in error.value.errors[0].message
    assert not ImportJob.objects.exists()


def test_start_import_returns_a_pending_job_with_the_detected_format(settings):
    settings.IMPORT_RUNNER = "worker"  # nothing runs it here: the job stays pending
    job = start_import(make_user(), upload(goodreads_csv([{"Title": "A"}])))
    assert (job.status, job.format, job.total_rows, job.processed_rows) == (
        "pending",
        "goodreads",
        1,
        0,
    )


def stalled_job(reader, text, *, processed, attempts=1):
    """A job whose runner died after committing `processed` rows."""
    job = ImportJob.objects.create(
        user=reader,
        format="goodreads",
        status=ImportStatus.RUNNING,
        total_rows=text.count("\n") - 1,
        processed_rows=processed,
        created_count=processed,
        attempts=attempts,
        heartbeat_at=timezone.now() - timedelta(hours=1),
    )
    job.file.save("stalled.csv", ContentFile(text.encode()))
    return job


def test_sweep_resumes_a_stalled_job_after_its_last_committed_batch(
    django_capture_on_commit_callbacks,
):
    reader = make_user()
    text = goodreads_csv([{"Title": f"T{n}"} for n in range(6)])
    job = stalled_job(reader, text, processed=4)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_stale_jobs() == [(job.pk, "resumed")]
    job.refresh_from_db()
    assert job.status == ImportStatus.SUCCEEDED
    assert (job.processed_rows, job.created_count, job.attempts) == (6, 6, 2)
    # Rows 1-4 were committed by the dead run (here: never written); only 5 and 6 ran again.
    assert set(UserBook.objects.filter(user=reader).values_list("book__title", flat=True)) == {
        "T4",
        "T5",
    }


def test_sweep_fails_a_job_that_keeps_dying_with_its_counts(settings):
    settings.IMPORT_MAX_ATTEMPTS = 3
    job = stalled_job(make_user(), goodreads_csv([{"Title": "A"}] * 5), processed=2, attempts=3)
    fresh = stalled_job(make_user(), goodreads_csv([{"Title": "A"}]), processed=0)
    ImportJob.objects.filter(pk=fresh.pk).update(heartbeat_at=timezone.now())
    assert sweep_stale_jobs() == [(job.pk, "failed")]
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.processed_rows == 2 and job.created_count == 2
    assert "stopped 3 times" in job.error and "after row 2" in job.error
    assert ImportJob.objects.get(pk=fresh.pk).status == ImportStatus.RUNNING


def test_a_job_whose_file_is_gone_ends_failed_not_running(django_capture_on_commit_callbacks):
    job = stalled_job(make_user(), goodreads_csv([{"Title": "A"}]), processed=0)
    job.file.delete(save=False)
    with django_capture_on_commit_callbacks(execute=True):
        sweep_stale_jobs()
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.error.startswith("The import stopped:")
    assert job.finished_at is not None


def test_a_finished_import_keeps_no_copy_of_the_file(django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage

    with django_capture_on_commit_callbacks(execute=True):
        job = start_import(make_user(), upload(goodreads_csv([{"Title": "A"}])))
    job.refresh_from_db()
    assert job.status == ImportStatus.SUCCEEDED
    assert not default_storage.exists(job.file.name)


def test_resume_imports_command_reports_what_it_did(django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command

    job = stalled_job(make_user(), goodreads_csv([{"Title": "A"}]), processed=0)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("resume_imports", stdout=out)
    assert f"import {job.pk}: resumed" in out.getvalue()
    job.refresh_from_db()
    assert job.status == ImportStatus.SUCCEEDED


def test_one_import_at_a_time_per_reader(settings):
    settings.IMPORT_RUNNER = "worker"  # nothing runs the first job: it stays pending
    reader = make_user()
    start_import(reader, upload(goodreads_csv([{"Title": "A"}])))
    with pytest.raises(ServiceError) as error:
        start_import(reader, upload(goodreads_csv([{"Title": "B"}])))
    assert error.value.errors[0].code == ErrorCode.CONFLICT
    start_import(make_user(), upload(goodreads_csv([{"Title": "B"}])))  # others are not held up


def test_a_run_whose_job_was_resumed_by_another_commits_no_further_batch():
    """The stalled-then-woken runner (tests/e2e/test_import_crash.py does it with processes)."""
    from django.db.models import F

    from apps.imports.formats.detect import rows_of
    from apps.imports.importer import JobTaken, import_rows
    from apps.imports.jobs import finish

    reader = make_user()
    text = goodreads_csv([{"Title": f"T{n}"} for n in range(6)])
    job = stalled_job(reader, text, processed=0)

    def taken_over(current):
        # Meanwhile the sweep found the job stale and another run claimed it.
        ImportJob.objects.filter(pk=current.pk).update(attempts=F("attempts") + 1)

    with pytest.raises(JobTaken):
        import_rows(job, rows_of("goodreads", text), batch_size=2, after_batch=taken_over)
    fresh = ImportJob.objects.get(pk=job.pk)
    assert (fresh.processed_rows, fresh.created_count, fresh.attempts) == (2, 2, 2)
    assert UserBook.objects.filter(user=reader).count() == 2  # the second batch rolled back
    finish(job, ImportStatus.FAILED, "The old run's verdict")
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.RUNNING  # the new run's job
