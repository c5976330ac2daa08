"""Admin for moderation: the reports, and the audit log (read-only: it is a record)."""

from django.contrib import admin

from apps.moderation.models import ModerationLogEntry, Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "reason",
        "status",
        "reporter",
        "subject_type",
        "subject_id",
        "created_at",
    )
    list_filter = ("status", "reason", "subject_type")
    list_select_related = ("reporter", "subject_type")
    search_fields = ("reporter__username", "subject_owner__username", "details")
    # Resolving goes through `resolveReport`, so that it is logged and the reporter told.
    readonly_fields = [f.name for f in Report._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ModerationLogEntry)
class ModerationLogEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "moderator", "action", "user", "report", "note")
    list_filter = ("action",)
    list_select_related = ("moderator", "user", "report")
    search_fields = ("moderator__username", "user__username", "note")
    readonly_fields = [f.name for f in ModerationLogEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
