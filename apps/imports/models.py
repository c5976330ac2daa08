"""Imports: a reader's library import job and the rows it could not take."""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from apps.core.models import TimeStampedModel, choices_check


class ImportFormat(models.TextChoices):
    AUTO = "auto", "Detect from the header"
    GOODREADS = "goodreads", "Goodreads export"
    STORYGRAPH = "storygraph", "StoryGraph export"
    CSV = "csv", "Generic CSV"


class ImportStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


def import_file_path(job: "ImportJob", filename: str) -> str:
    return f"imports/{job.user_id}/{filename}"


class ImportJob(TimeStampedModel):
    """One upload of a library file and the work of importing it, with its counters."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    format = models.CharField(max_length=12, choices=ImportFormat.choices)
    file = models.FileField(upload_to=import_file_path, max_length=300)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    total_rows = models.PositiveIntegerField(null=True, blank=True)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, help_text="Why the whole job failed, if it did.")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Runs of the job so far: a job that keeps dying mid-way is ended as failed, not retried
    # forever (see apps.imports.jobs.sweep_stale_jobs).
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="import_job_status")]
        constraints = [
            choices_check("format", ImportFormat, "import_job_format_valid"),
            choices_check("status", ImportStatus, "import_job_status_valid"),
            models.CheckConstraint(
                condition=Q(total_rows__isnull=True) | Q(processed_rows__lte=F("total_rows")),
                name="import_job_processed_within_total",
            ),
            models.CheckConstraint(
                condition=Q(
                    processed_rows__gte=F("created_count")
                    + F("updated_count")
                    + F("skipped_count")
                    + F("failed_count")
                ),
                name="import_job_counters_add_up",
            ),
        ]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.format}, {self.status})"

    def seconds_until_waiting(self, now: datetime) -> float | None:
        """Seconds until the job counts as waiting for a worker (0: it does now); None when it
        has ended. A job waits when nobody works on it although somebody should: PENDING for
        more than IMPORT_WAITING_FOR_WORKER_AFTER seconds (no runner took it: with REDIS_URL,
        no `manage.py import_worker` is running), or RUNNING without a heartbeat for more than
        IMPORT_STALE_AFTER seconds (its runner stopped; a worker's sweep will resume it)."""
        if self.status == ImportStatus.PENDING:
            since, limit = self.created_at, settings.IMPORT_WAITING_FOR_WORKER_AFTER
        elif self.status == ImportStatus.RUNNING:
            since, limit = self.heartbeat_at or self.created_at, settings.IMPORT_STALE_AFTER
        else:
            return None
        return max(0.0, limit - (now - since).total_seconds())

    def waiting_for_worker(self, now: datetime) -> bool:
        """Whether the job has waited too long for a worker (see `seconds_until_waiting`)."""
        return self.seconds_until_waiting(now) == 0


class ImportRowError(models.Model):
    """A row of an import file that could not be taken, with its 1-based row number and why."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_errors")
    row_number = models.PositiveIntegerField()
    reason = models.TextField()
    raw = models.JSONField(default=dict, blank=True, help_text="The row as read, for debugging.")

    class Meta:
        ordering = ["job", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["job", "row_number"], name="import_row_error_once"),
        ]

    def __str__(self) -> str:
        return f"row {self.row_number}: {self.reason}"


class ImportedBook(models.Model):
    """A catalogue book an import created because no book matched a row: for librarian review.

    The catalogue's own models are not the imports' to change, so the mark lives here; the
    admin lists these books with the job that created them.
    """

    book = models.OneToOneField(
        "catalog.Book", on_delete=models.CASCADE, related_name="import_origin"
    )
    job = models.ForeignKey(
        ImportJob, null=True, on_delete=models.SET_NULL, related_name="imported_books"
    )
    reviewed = models.BooleanField(default=False, help_text="A librarian has checked the entry.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reviewed", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"book {self.book_id} from import {self.job_id}"
