"""Admin for sessions and emailed tokens: what an operator looks at when a reader says "I was
logged in somewhere I don't know" or "the email never came"."""

from django.contrib import admin, messages
from django.db.models import Q
from django.utils import timezone

from apps.accounts.models import EmailToken, RefreshToken, Session
from apps.accounts.sessions import end_sessions


def session_state(session: Session) -> str:
    if session.expires_at is None:  # the blank row of an inline
        return ""
    if session.revoked_at:
        return "ended"
    if session.expires_at <= timezone.now():
        return "expired"
    return "active"


class SessionInline(admin.TabularInline):
    """The user's sessions, newest first, on the user's page (ended from the session list)."""

    model = Session
    fields = ("created_at", "last_used_at", "state", "user_agent", "ip_address", "revoked_at")
    readonly_fields = fields
    ordering = ("-last_used_at",)
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True

    @admin.display(description="state")
    def state(self, session: Session) -> str:
        return session_state(session)


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    """Sessions start by logging in, never here; the admin may only end them."""

    list_display = (
        "id",
        "user",
        "state",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
        "user_agent",
        "ip_address",
    )
    list_filter = (("revoked_at", admin.EmptyFieldListFilter), "last_used_at")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email", "id__exact", "user_agent", "ip_address")
    date_hierarchy = "created_at"
    fields = list_display
    readonly_fields = fields
    actions = ["end"]

    @admin.display(description="state")
    def state(self, session: Session) -> str:
        return session_state(session)

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(
        description="End the selected sessions (their access and refresh tokens stop working)",
        permissions=["change"],
    )
    def end(self, request, queryset):
        ids = list(queryset.filter(revoked_at__isnull=True).values_list("pk", flat=True))
        end_sessions(Q(pk__in=ids))
        RefreshToken.objects.filter(family__in=ids, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        self.message_user(request, f"{len(ids)} session(s) ended.", messages.SUCCESS)


@admin.register(EmailToken)
class EmailTokenAdmin(admin.ModelAdmin):
    """Links mailed to readers (verification, password reset, change of address): whether and
    when they were sent and used. Read-only; the token itself is never stored."""

    list_display = ("purpose", "user", "email", "state", "created_at", "expires_at", "used_at")
    list_filter = ("purpose", ("used_at", admin.EmptyFieldListFilter), "created_at")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email", "email")
    date_hierarchy = "created_at"
    fields = ("user", "purpose", "email", "state", "created_at", "expires_at", "used_at")
    readonly_fields = fields

    @admin.display(description="state")
    def state(self, token: EmailToken) -> str:
        if token.used_at:
            return "used"
        if token.expires_at <= timezone.now():
            return "expired"
        return "unused"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
