"""Admin for readers: users (with their sessions), their profiles (with interests and links)
and refresh tokens. Sessions and emailed tokens: apps/accounts/admin_sessions.py; personal
access tokens and personal data exports: apps/accounts/admin_tokens.py."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.accounts.admin_sessions import SessionInline
from apps.accounts.admin_tokens import PersonalAccessTokenInline
from apps.accounts.deletion import erase_account
from apps.accounts.models import (
    Profile,
    ProfileInterest,
    ProfileSocialLink,
    RefreshToken,
    User,
)
from apps.accounts.sessions import end_sessions
from apps.accounts.tokens import revoke_all_tokens


class BookNestUserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_email(self):
        email = self.cleaned_data["email"]
        # The database refuses it too (user_email_ci_unique), but as an error page.
        if User.objects.filter(email__iexact=email).exists():
            raise self.instance.unique_error_message(User, ["email"])
        return email


class BookNestUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


@admin.register(User)
class BookNestUserAdmin(UserAdmin):
    form = BookNestUserChangeForm
    add_form = BookNestUserCreationForm
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "usable_password", "password1", "password2"),
            },
        ),
    )
    fieldsets = (
        *UserAdmin.fieldsets,
        # An operator may mark an address verified by hand (a reader who proved it otherwise).
        ("Email", {"fields": ("email_verified_at",)}),
        ("Tokens", {"fields": ("token_version",)}),
    )
    inlines = [SessionInline, PersonalAccessTokenInline]
    readonly_fields = ("token_version", "last_login", "date_joined")
    list_display = (
        "username",
        "email",
        "email_verified",
        "first_name",
        "last_name",
        "is_active",
        "is_staff",
        "date_joined",
        "last_login",
    )
    list_filter = (
        *UserAdmin.list_filter,
        ("email_verified_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("username", "email", "first_name", "last_name")
    date_hierarchy = "date_joined"
    actions = ["log_out_everywhere", "export_personal_data", "delete_accounts"]

    def get_inlines(self, request, obj):
        # A user being added has no sessions or tokens yet (and the add form stays as it was).
        return self.inlines if obj is not None else []

    @admin.display(description="email verified", boolean=True, ordering="email_verified_at")
    def email_verified(self, user: User) -> bool:
        return user.email_verified_at is not None

    @admin.action(description="Log out everywhere (invalidate all their tokens)")
    def log_out_everywhere(self, request, queryset):
        # As `logoutAll`: their open WebSockets close too.
        users = list(queryset)
        for user in users:
            revoke_all_tokens(user)
        self.message_user(request, f"{len(users)} user(s) logged out everywhere.", messages.SUCCESS)

    @admin.action(description="Export their personal data (ZIP, under Personal data exports)")
    def export_personal_data(self, request, queryset):
        from apps.accounts.personal_export import export_personal_data
        from apps.core.errors import ServiceError

        started = 0
        for user in queryset:
            try:
                export_personal_data(user)
                started += 1
            except ServiceError as exc:
                self.message_user(request, f"{user}: {exc}", messages.WARNING)
        self.message_user(request, f"{started} export(s) started.", messages.SUCCESS)

    @admin.action(
        description="Delete account and all their data (as deleteAccount)", permissions=["delete"]
    )
    def delete_accounts(self, request, queryset):
        """What `deleteAccount` does (copies' holders notified, aggregates recomputed, files
        removed), for any account, staff included; no password asked."""
        users = list(queryset)
        for user in users:
            erase_account(user)
        self.message_user(request, f"{len(users)} account(s) deleted.", messages.SUCCESS)

    def delete_model(self, request, obj):
        erase_account(obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            erase_account(user)


class ProfileInterestInline(admin.TabularInline):
    model = ProfileInterest
    autocomplete_fields = ("genre",)
    extra = 0


class ProfileSocialLinkInline(admin.TabularInline):
    model = ProfileSocialLink
    fields = ("platform", "url", "position")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    extra = 0


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "display_name", "location", "privacy", "created_at")
    ordering = ("user__username",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_filter = ("privacy",)
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email", "display_name", "location")
    autocomplete_fields = ("user",)
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "created_at"
    inlines = [ProfileInterestInline, ProfileSocialLinkInline]

    def get_queryset(self, request):
        # A profile without a display name is named after its user (autocomplete too).
        return super().get_queryset(request).select_related("user")


@admin.register(ProfileInterest)
class ProfileInterestAdmin(admin.ModelAdmin):
    list_display = ("__str__", "profile", "genre")
    list_select_related = ("profile__user", "genre")
    search_fields = ("text", "genre__name", "profile__user__username")
    autocomplete_fields = ("profile", "genre")


@admin.register(ProfileSocialLink)
class ProfileSocialLinkAdmin(admin.ModelAdmin):
    list_display = ("profile", "platform", "url", "position")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_filter = ("platform",)
    list_select_related = ("profile__user",)
    search_fields = ("url", "profile__user__username")
    autocomplete_fields = ("profile",)


@admin.register(RefreshToken)
class RefreshTokenAdmin(admin.ModelAdmin):
    """Tokens are issued by logging in, never here; the admin may only revoke them."""

    list_display = (
        "short_hash",
        "user",
        "state",
        "created_at",
        "expires_at",
        "rotated_at",
        "revoked_at",
        "user_agent",
    )
    list_filter = (
        ("revoked_at", admin.EmptyFieldListFilter),
        ("rotated_at", admin.EmptyFieldListFilter),
        "expires_at",
    )
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email", "family__exact", "user_agent")
    date_hierarchy = "created_at"
    fields = (
        "user",
        "short_hash",
        "family",
        "token_version",
        "created_at",
        "expires_at",
        "rotated_at",
        "revoked_at",
        "user_agent",
    )
    readonly_fields = fields
    actions = ["revoke", "revoke_family"]

    @admin.display(description="token hash")
    def short_hash(self, token: RefreshToken) -> str:
        # Enough to tell tokens apart; the full hash stays out of pages and screenshots.
        return f"{token.token_hash[:8]}…"

    @admin.display(description="state")
    def state(self, token: RefreshToken) -> str:
        if token.revoked_at:
            return "revoked"
        if token.rotated_at:
            return "rotated"
        if token.expires_at <= timezone.now():
            return "expired"
        return "active"

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        # As `revokeToken`: the token's session ends, its access tokens with it.
        end_sessions(Q(pk__in=queryset.filter(revoked_at__isnull=True).values("family")))
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"{count} token(s) revoked.", messages.SUCCESS)

    @admin.action(description="Revoke the selected tokens' whole families", permissions=["change"])
    def revoke_family(self, request, queryset):
        families = queryset.values("family")
        end_sessions(Q(pk__in=families))
        count = RefreshToken.objects.filter(family__in=families, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        self.message_user(request, f"{count} token(s) revoked.", messages.SUCCESS)
