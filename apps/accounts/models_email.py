"""One-time tokens sent by email: verifying an address, resetting a password, changing the
address. Only the SHA-256 of a token is stored; the token itself exists in the email alone."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.core.models import choices_check


class EmailTokenPurpose(models.TextChoices):
    VERIFY_EMAIL = "verify_email", "Verify the email address"
    RESET_PASSWORD = "reset_password", "Reset the password"
    CHANGE_EMAIL = "change_email", "Confirm a new email address"


class EmailToken(models.Model):
    """A link's token: usable once (`used_at`), until `expires_at`, for `purpose`.

    `email` is the address it was sent to (for a change of address, the new one): a token for
    an address the account no longer has is dead. A password-reset token also dies when the
    password changes (`password_marker`: a digest of the password hash at issue).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_tokens"
    )
    purpose = models.CharField(max_length=20, choices=EmailTokenPurpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField(max_length=254)
    password_marker = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["user", "purpose", "-created_at"], name="email_token_user_purpose")
        ]
        constraints = [
            choices_check("purpose", EmailTokenPurpose, "email_token_purpose_valid"),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="email_token_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} token {self.pk} of {self.user_id}"
