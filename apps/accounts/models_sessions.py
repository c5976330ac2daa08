"""Logged-in sessions: one per login, shared by every refresh token rotated from it.

A session's id is the `family` of its refresh tokens and the `sid` claim of its access
tokens, so ending the session (`revoked_at`) refuses both at once.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Session(models.Model):
    """A login on one device: where it came from, when it was last refreshed, and whether it
    was ended (logged out, revoked by its owner or an operator, or its refresh token reused)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sessions"
    )
    created_at = models.DateTimeField()
    # The last time a refresh token of the session was spent (the login itself at first).
    last_used_at = models.DateTimeField()
    # When the session's newest refresh token expires: after that it cannot be renewed.
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    # The client's network, never its full address: an IPv4 /24 or an IPv6 /48, in CIDR form.
    ip_address = models.CharField("IP network", max_length=50, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-last_used_at"], name="session_user_used")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="session_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"session {self.pk} of {self.user_id}"
