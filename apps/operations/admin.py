"""Admin for registered operations: find one by name, hash or client, read its text."""

from django.contrib import admin

from apps.operations.models import RegisteredOperation


@admin.register(RegisteredOperation)
class RegisteredOperationAdmin(admin.ModelAdmin):
    list_display = ("operation_name", "operation_type", "client_name", "short_hash", "created_at")
    list_filter = ("operation_type", "client_name")
    search_fields = ("operation_name", "^sha256", "=document_id", "client_name")
    readonly_fields = ("sha256", "document_id", "created_at")
    fields = (
        "operation_name",
        "operation_type",
        "client_name",
        "sha256",
        "document_id",
        "body",
        "created_at",
    )
    date_hierarchy = "created_at"

    @admin.display(description="SHA-256", ordering="sha256")
    def short_hash(self, obj: RegisteredOperation) -> str:
        return obj.sha256[:16] + "…"

    def has_change_permission(self, request, obj=None) -> bool:
        # The hash is the body's: editing the text would break the pair. Delete and re-register.
        return False

    def has_add_permission(self, request) -> bool:
        return False  # `manage.py register_operations` validates and hashes; the admin does not
