"""Admin for personal access tokens and personal data exports, and the user admin's inline
and actions for them (wired in apps/accounts/admin.py)."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html

from apps.accounts.live_connections import end_live_connections
from apps.accounts.models import PersonalAccessToken, PersonalDataExport
from apps.accounts.personal_export import download_link


def _revoke(model_admin, request, queryset) -> None:
    live = list(queryset.filter(revoked_at__isnull=True).values_list("pk", "user_id"))
    count = PersonalAccessToken.objects.filter(
        pk__in=[pk for pk, _ in live], revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    for token_id, user_id in live:  # as `revokePersonalAccessToken`: their WebSockets close
        end_live_connections(user_id, token_id=token_id)
    model_admin.message_user(request, f"{count} token(s) revoked.", messages.SUCCESS)


class PersonalAccessTokenInline(admin.TabularInline):
    """A user's tokens on their page: read-only; revoke them from the token list."""

    model = PersonalAccessToken
    fields = ("name", "prefix", "scopes", "created_at", "last_used_at", "expires_at", "revoked_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PersonalAccessToken)
class PersonalAccessTokenAdmin(admin.ModelAdmin):
    """Tokens are made by their readers, never here; the admin may only revoke them."""

    list_display = ("name", "prefix", "user", "scopes", "state", "created_at", "last_used_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter), "created_at")
    list_select_related = ("user",)
    search_fields = ("name", "prefix", "user__username", "user__email")
    date_hierarchy = "created_at"
    fields = (
        "user",
        "name",
        "prefix",
        "scopes",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    readonly_fields = fields
    actions = ["revoke"]

    @admin.display(description="state")
    def state(self, token: PersonalAccessToken) -> str:
        if token.revoked_at:
            return "revoked"
        if token.expires_at and token.expires_at <= timezone.now():
            return "expired"
        return "active"

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        _revoke(self, request, queryset)


@admin.register(PersonalDataExport)
class PersonalDataExportAdmin(admin.ModelAdmin):
    """Data exports, started by readers (or the user admin's action); the ZIP can be fetched
    here through the same expiring link."""

    list_display = ("__str__", "user", "status", "size", "created_at", "finished_at")
    list_filter = ("status", "created_at")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email")
    date_hierarchy = "created_at"
    fields = ("user", "status", "download", "size", "error", "created_at", "started_at")
    readonly_fields = fields

    @admin.display(description="download")
    def download(self, export: PersonalDataExport) -> str:
        path = download_link(export)
        return format_html('<a href="{}">ZIP</a>', path) if path else "—"

    def has_add_permission(self, request) -> bool:
        return False
