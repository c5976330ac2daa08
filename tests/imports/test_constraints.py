"""The database refuses import data that breaks a rule, whatever code path writes it."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from apps.imports.models import ImportFormat, ImportJob, ImportRowError, ImportStatus
from tests.factories import make_import_job, make_import_row_error

pytestmark = pytest.mark.django_db


# --- ImportJob -------------------------------------------------------------------------------


@pytest.mark.parametrize("import_format", ImportFormat.values)
def test_import_job_format_accepts_each_choice(import_format):
    assert make_import_job(format=import_format).format == import_format


@pytest.mark.parametrize("import_format", ["", "excel"])
def test_import_job_format_valid(import_format):
    with pytest.raises(IntegrityError, match="import_job_format_valid"), transaction.atomic():
        make_import_job(format=import_format)


@pytest.mark.parametrize("status", ImportStatus.values)
def test_import_job_status_accepts_each_choice(status):
    make_import_job(status=status)


def test_import_job_status_valid():
    job = make_import_job()
    with pytest.raises(IntegrityError, match="import_job_status_valid"), transaction.atomic():
        ImportJob.objects.filter(pk=job.pk).update(status="done")


@pytest.mark.parametrize("total, processed", [(None, 0), (None, 250), (10, 0), (10, 10)])
def test_import_job_processed_accepted(total, processed):
    make_import_job(total_rows=total, processed_rows=processed)


def test_import_job_processed_within_total():
    job = make_import_job(total_rows=10, processed_rows=10)
    name = "import_job_processed_within_total"
    with pytest.raises(IntegrityError, match=name), transaction.atomic():
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=F("processed_rows") + 1)
    with pytest.raises(IntegrityError, match=name), transaction.atomic():
        ImportJob.objects.filter(pk=job.pk).update(total_rows=9)


def test_import_job_counters_accepted():
    make_import_job(
        processed_rows=10, created_count=4, updated_count=3, skipped_count=2, failed_count=1
    )
    make_import_job(processed_rows=10, created_count=4)  # counted as it goes


@pytest.mark.parametrize(
    "counter", ["created_count", "updated_count", "skipped_count", "failed_count"]
)
def test_import_job_counters_add_up(counter):
    job = make_import_job(
        processed_rows=10, created_count=4, updated_count=3, skipped_count=2, failed_count=1
    )
    with pytest.raises(IntegrityError, match="import_job_counters_add_up"), transaction.atomic():
        ImportJob.objects.filter(pk=job.pk).update(**{counter: F(counter) + 1})


@pytest.mark.parametrize(
    "field",
    [
        "processed_rows",
        "total_rows",
        "created_count",
        "updated_count",
        "skipped_count",
        "failed_count",
    ],
)
def test_import_job_counters_not_negative(field):
    job = make_import_job()
    with pytest.raises(IntegrityError), transaction.atomic():
        ImportJob.objects.filter(pk=job.pk).update(**{field: -1})


# --- ImportRowError --------------------------------------------------------------------------


def test_import_row_error_once():
    job = make_import_job()
    make_import_row_error(job, row_number=7)
    make_import_row_error(job, row_number=8)
    make_import_row_error(make_import_job(), row_number=7)  # the same row of another job
    with pytest.raises(IntegrityError), transaction.atomic():
        ImportRowError.objects.create(job=job, row_number=7, reason="Again")


def test_import_row_error_row_number_not_negative():
    error = make_import_row_error()
    with pytest.raises(IntegrityError), transaction.atomic():
        ImportRowError.objects.filter(pk=error.pk).update(row_number=-1)
