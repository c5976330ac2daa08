"""Personal access tokens, the viewer a token stands for, and personal data exports.

Imported at the bottom of apps/accounts/models.py, so these are models of the `accounts` app.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.accounts.models import User
from apps.core.models import choices_check


class TokenScope(models.TextChoices):
    """What a personal access token may do. Neither scope reaches the account itself."""

    READ = "read", "Read (queries and subscriptions)"
    WRITE = "write", "Write (reading data and social actions)"


class PersonalAccessToken(models.Model):
    """A long-lived token for a script, an integration or a reading device.

    The secret (`bn_pat_…`) is shown once when created; only its SHA-256 is stored, with its
    first characters (`prefix`) so the reader and the admins can tell tokens apart.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="personal_access_tokens"
    )
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=16, help_text="The secret's first characters.")
    scopes = models.JSONField(default=list, help_text='Scopes granted, e.g. ["read"].')
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never expires.")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="pat_user_live")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=models.F("created_at")),
                name="pat_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class PersonalExportStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


def personal_export_path(export: "PersonalDataExport", filename: str) -> str:
    return f"personal-exports/{export.user_id}/{filename}"


class PersonalDataExport(models.Model):
    """A ZIP of everything BookNest holds about a reader, built in the background."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="personal_data_exports"
    )
    status = models.CharField(
        max_length=10, choices=PersonalExportStatus.choices, default=PersonalExportStatus.PENDING
    )
    file = models.FileField(upload_to=personal_export_path, max_length=300, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True, help_text="Bytes of the ZIP.")
    error = models.TextField(blank=True, help_text="Why the export failed, if it did.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            choices_check("status", PersonalExportStatus, "personal_export_status_valid"),
        ]

    def __str__(self) -> str:
        return f"personal data export {self.pk} ({self.status})"


class TokenViewer(User):
    """The reader as a personal access token presents them: never staff, with no permissions.

    Loaded in place of `User` for a request made with a personal access token, so every check
    (`is_staff`, `has_perm("catalog.librarian")`, the admin's) sees an ordinary reader, however
    privileged the account is. `token` is the token in use (its scopes decide what may run).
    """

    token: PersonalAccessToken | None = None

    class Meta:
        proxy = True
        default_permissions = ()

    @classmethod
    def from_db(cls, db, field_names, values):
        viewer = super().from_db(db, field_names, values)
        viewer.is_staff = viewer.is_superuser = False
        return viewer

    @property
    def token_scopes(self) -> frozenset[str]:
        return frozenset(self.token.scopes) if self.token is not None else frozenset()

    def has_perm(self, perm, obj=None) -> bool:
        return False

    def has_perms(self, perm_list, obj=None) -> bool:
        return False

    def has_module_perms(self, app_label) -> bool:
        return False

    def save(self, *args, **kwargs):
        # The staff flags were cleared in memory only: saving them would demote the account.
        fields = kwargs.get("update_fields")
        if fields is None or {"is_staff", "is_superuser"} & set(fields):
            raise TypeError("A TokenViewer saves only named fields, never the staff flags.")
        super().save(*args, **kwargs)
