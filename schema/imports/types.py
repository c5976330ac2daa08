"""GraphQL types of library imports: the job, its failed rows, and the formats."""

from datetime import datetime

import strawberry
import strawberry_django
from django.db.models import QuerySet
from django.utils import timezone
from strawberry import relay

from apps.imports import models
from apps.imports.export import ExportFormat
from schema.context import Info
from schema.fields import PkId, connection, model_field
from schema.pagination import CursorConnection
from schema.subscriptions.types import WAITING_FOR_WORKER, ImportProgressStatusEnum

ImportFormatEnum = strawberry.enum(
    models.ImportFormat,
    name="ImportFormat",
    description="The kind of library file: AUTO detects it from the header row; GOODREADS "
    "(Goodreads' \"Export Library\" CSV), STORYGRAPH (The StoryGraph's export) or CSV (a "
    "plain CSV with a header; see the README for its columns).",
)
ExportFormatEnum = strawberry.enum(
    ExportFormat,
    name="ExportFormat",
    description="GOODREADS: Goodreads' 24 columns, readable by Goodreads and most reading "
    "apps. CSV: BookNest's plain CSV columns (with the dates reads started).",
)


def _viewer_only(queryset: QuerySet, info: Info, field: str) -> QuerySet:
    viewer_id = info.context.viewer_id
    return queryset.filter(**{field: viewer_id}) if viewer_id else queryset.none()


@strawberry_django.type(models.ImportRowError, name="ImportRowError")
class ImportRowErrorType(PkId, relay.Node):
    """A row of an import file that could not be imported, and why."""

    row_number: int = model_field(
        description="1-based number of the row among the file's rows after the header (row 1 "
        "is the first book)."
    )
    reason: str = model_field(description="Why the row was not imported.")

    @classmethod
    def get_queryset(cls, queryset, info: Info, **kwargs):
        return _viewer_only(queryset, info, "job__user_id")


@strawberry_django.type(models.ImportJob, name="ImportJob")
class ImportJobType(PkId, relay.Node):
    """One import of a library file, with its progress and counters. Only its owner sees it."""

    format: ImportFormatEnum = model_field(
        description="The file's format (as detected, when the import asked for AUTO)."
    )
    status: ImportProgressStatusEnum = model_field(
        description="PENDING until a runner picks it up, RUNNING, then SUCCEEDED or FAILED."
    )
    total_rows: int | None = model_field(description="Rows in the file.")
    processed_rows: int = model_field(
        description="Rows handled so far (imported, skipped or failed); committed batch by batch."
    )
    created_count: int = model_field(description="Rows that added a book to the viewer's library.")
    updated_count: int = model_field(
        description="Rows that changed a book already in the library (a newer status, rating, "
        "review, or a list membership)."
    )
    skipped_count: int = model_field(
        description="Rows that changed nothing: already there, or the library's value was "
        "changed in BookNest after the row's date (an import never overwrites it)."
    )
    failed_count: int = model_field(
        description="Rows that could not be imported; see `failedRows`."
    )
    error: str = model_field(description="Why the whole job failed; empty otherwise.")
    created_at: datetime = model_field(description="When the file was uploaded.")
    started_at: datetime | None = model_field(description="When the work began.")
    finished_at: datetime | None = model_field(description="When the job ended.")

    @strawberry_django.field(
        only=["status", "created_at", "heartbeat_at"], description=WAITING_FOR_WORKER
    )
    def waiting_for_worker(self) -> bool:
        return self.waiting_for_worker(timezone.now())

    @classmethod
    def get_queryset(cls, queryset, info: Info, **kwargs):
        return _viewer_only(queryset, info, "user_id")

    @connection(
        CursorConnection[ImportRowErrorType],
        description="Every row that could not be imported, by row number.",
    )
    def failed_rows(self) -> QuerySet[models.ImportRowError]:
        return models.ImportRowError.objects.filter(job_id=self.pk).order_by("row_number", "id")
