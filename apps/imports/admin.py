"""Admin for library imports: each job with its counters, and the rows it could not take."""

from django.contrib import admin
from django.template.defaultfilters import truncatechars

from apps.imports.models import ImportedBook, ImportJob, ImportRowError


class ImportRowErrorInline(admin.TabularInline):
    model = ImportRowError
    fields = ("row_number", "reason", "raw")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "user",
        "format",
        "status",
        "progress",
        "created_count",
        "updated_count",
        "skipped_count",
        "failed_count",
        "created_at",
        "finished_at",
    )
    list_filter = ("status", "format")
    list_select_related = ("user",)
    search_fields = ("id__exact", "user__username", "file", "error")
    autocomplete_fields = ("user",)
    # The counters and timestamps belong to the worker running the job.
    readonly_fields = (
        "total_rows",
        "processed_rows",
        "created_count",
        "updated_count",
        "skipped_count",
        "failed_count",
        "started_at",
        "finished_at",
        "heartbeat_at",
        "attempts",
        "created_at",
        "updated_at",
    )
    date_hierarchy = "created_at"
    inlines = [ImportRowErrorInline]

    @admin.display(description="rows")
    def progress(self, job: ImportJob) -> str:
        return f"{job.processed_rows}/{job.total_rows if job.total_rows is not None else '?'}"


@admin.register(ImportRowError)
class ImportRowErrorAdmin(admin.ModelAdmin):
    """What an import could not take, as the importer recorded it: read-only."""

    list_display = ("job", "row_number", "short_reason")
    list_select_related = ("job",)
    search_fields = ("job__id__exact", "job__user__username", "reason")
    readonly_fields = ("job", "row_number", "reason", "raw")

    @admin.display(description="reason", ordering="reason")
    def short_reason(self, error: ImportRowError) -> str:
        return truncatechars(error.reason, 80)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ImportedBook)
class ImportedBookAdmin(admin.ModelAdmin):
    """Books that imports (or `importBookByIsbn`) added to the catalogue: librarians check
    them, fix or merge them, and tick `reviewed`."""

    list_display = ("book", "job", "reviewed", "created_at")
    list_filter = ("reviewed",)
    list_editable = ("reviewed",)
    list_select_related = ("book", "job")
    search_fields = ("book__title", "book__isbn13", "job__id__exact")
    raw_id_fields = ("book", "job")
    readonly_fields = ("created_at",)
