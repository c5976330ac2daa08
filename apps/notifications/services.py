"""Notifying readers: one row per notification, honouring each reader's in-app preference."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.core.events import publish, user_group
from apps.notifications.models import Notification, NotificationPreference, NotificationType


def wants(user_id: int, notification_type: NotificationType) -> tuple[bool, bool]:
    """(in_app, email) for this reader and type: their preference, else the type's defaults."""
    preference = NotificationPreference.objects.filter(
        user_id=user_id, type=notification_type
    ).first()
    if preference is None:
        return notification_type.default_in_app, notification_type.default_email
    return preference.in_app, preference.email


def notify(
    recipient,
    type_key: str,
    *,
    actor=None,
    target: models.Model | None = None,
    data: dict | None = None,
) -> Notification | None:
    """Create `recipient`'s notification in the caller's transaction, unless they opted out.

    Nobody is notified of their own actions. Returns None when nothing was created.
    """
    if actor is not None and actor.pk == recipient.pk:
        return None
    notification_type = NotificationType.objects.get(key=type_key)
    in_app, _email = wants(recipient.pk, notification_type)
    if not in_app:
        return None
    notification = Notification.objects.create(
        recipient=recipient,
        actor=actor,
        type=notification_type,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=target.pk if target is not None else None,
        data=data or {},
    )
    publish(
        user_group(recipient.pk),
        "notification_added",
        {"notification_id": notification.pk, "type": type_key},
    )
    return notification


def mark_read(user, *, ids: list[int] | None = None) -> int:
    """Mark the reader's notifications read: those in `ids`, or all when `ids` is None."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(read_at=timezone.now())


def unread_count(user) -> int:
    return Notification.objects.filter(Q(recipient=user) & Q(read_at__isnull=True)).count()
