"""Notifications: their types, each delivered notification, and readers' preferences."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q


class NotificationType(models.Model):
    """A kind of notification ("new_follower", "reservation_ready") and its default channels."""

    key = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    default_in_app = models.BooleanField(default=True)
    default_email = models.BooleanField(default=False)

    class Meta:
        ordering = ["key"]
        constraints = [models.CheckConstraint(condition=~Q(key=""), name="notif_type_key_set")]

    def __str__(self) -> str:
        return self.key


class Notification(models.Model):
    """A notification for `recipient`, caused by `actor` (if a person), about `target`."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    type = models.ForeignKey(NotificationType, on_delete=models.PROTECT, related_name="+")
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notif_recipient"),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notif_unread"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_type__isnull=True, target_id__isnull=True)
                | Q(target_type__isnull=False, target_id__isnull=False),
                name="notif_target_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type_id} for {self.recipient_id}"


class NotificationPreference(models.Model):
    """A reader's choice of channels for one notification type (absent: the type's defaults)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    type = models.ForeignKey(NotificationType, on_delete=models.CASCADE, related_name="+")
    in_app = models.BooleanField(default=True)
    email = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "type"], name="notif_pref_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.type_id}"
