"""Notifying readers: one row per notification, honouring each reader's in-app preference."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from apps.core.errors import ErrorCode, FieldError, Invalid, ServiceError
from apps.core.events import publish, user_group
from apps.notifications.email import email_after_commit
from apps.notifications.models import Notification, NotificationPreference, NotificationType

# Rules of the apps above this one that take some actors out of a reader's notifications
# (apps/social registers blocks and mutes): `rule(recipient, owner)` is a filter on the rows whose
# `<owner>_id` names an actor (`owner="pk"`: on users themselves).
_ACTOR_RULES: list[Callable[..., Q]] = []


def register_actor_rule(rule: Callable[..., Q]) -> None:
    """Add a rule every notification read and `notify` apply (see `_ACTOR_RULES`)."""
    if rule not in _ACTOR_RULES:
        _ACTOR_RULES.append(rule)


def _actor_q(recipient, owner: str = "actor") -> Q:
    kept = Q()
    for rule in _ACTOR_RULES:
        kept &= rule(recipient, owner=owner)
    return kept


def notifications_of(user) -> models.QuerySet[Notification]:
    """The reader's notifications as they see them: none from actors a rule takes out."""
    return Notification.objects.filter(recipient=user).filter(_actor_q(user))


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
    """Notify `recipient` on the channels their preference for this kind asks for: in the app
    (a row, created in the caller's transaction, and a live event after commit) and/or by email
    (sent after commit).

    Nobody is notified of their own actions. Returns None when no row was created.
    """
    if actor is not None and actor.pk == recipient.pk:
        return None
    if (
        actor is not None
        and _ACTOR_RULES
        and not type(actor).objects.filter(_actor_q(recipient, "pk"), pk=actor.pk).exists()
    ):
        return None  # blocked or muted: neither a row nor an email
    notification_type = NotificationType.objects.get(key=type_key)
    in_app, email = wants(recipient.pk, notification_type)
    if email:
        email_after_commit(recipient, notification_type, actor=actor, data=data)
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
        {"notification_id": notification.pk, "kind": type_key},
    )
    return notification


def mark_read(user, *, ids: list[int] | None = None) -> int:
    """Mark the reader's notifications read: those in `ids`, or all when `ids` is None."""
    rows = notifications_of(user).filter(read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(read_at=timezone.now())


def unread_count(user) -> int:
    return notifications_of(user).filter(read_at__isnull=True).count()


def mark_notifications_read(user, *, ids: list[int] | None = None, everything: bool = False) -> int:
    """Mark some (`ids`) or all (`everything`) of the reader's notifications read.

    Returns how many stay unread.

    Exactly one of the two must be given. Ids of other readers' notifications are ignored,
    exactly like ids of notifications already read: nothing tells them apart from the outside.
    """
    if (ids is None) == (not everything):
        raise Invalid("Give either `ids` or `all: true` (exactly one of them).", field="ids")
    with transaction.atomic():
        mark_read(user, ids=None if everything else ids)
        # The viewer's other tabs and devices update their badge (`unreadNotificationCount`).
        publish(user_group(user.pk), "notifications_read", {})
        return unread_count(user)


@dataclass(frozen=True)
class EffectivePreference:
    """A reader's channels for one notification type, after defaults."""

    type: NotificationType
    in_app: bool
    email: bool


def preferences(user) -> list[EffectivePreference]:
    """Every notification type with the reader's channels for it, by key."""
    chosen = {p.type_id: p for p in NotificationPreference.objects.filter(user=user)}
    result = []
    for kind in NotificationType.objects.order_by("key"):
        preference = chosen.get(kind.pk)
        if preference is None:
            result.append(EffectivePreference(kind, kind.default_in_app, kind.default_email))
        else:
            result.append(EffectivePreference(kind, preference.in_app, preference.email))
    return result


def update_preferences(user, changes: list[dict]) -> list[EffectivePreference]:
    """Apply `changes` (each `{"kind": key, "in_app": bool|None, "email": bool|None}`; None
    keeps the current value) and return every preference. An unknown kind refuses them all."""
    # A key with a NUL character cannot even be looked up in PostgreSQL; it names no kind.
    keys = [c["kind"] for c in changes if "\x00" not in c["kind"]]
    kinds = {k.key: k for k in NotificationType.objects.filter(key__in=keys)}
    missing = [
        FieldError(ErrorCode.NOT_FOUND, "No notification kind with this key.", f"input.{i}.kind")
        for i, change in enumerate(changes)
        if change["kind"] not in kinds
    ]
    if missing:
        raise ServiceError.of(missing)
    with transaction.atomic():
        for change in changes:
            kind = kinds[change["kind"]]
            in_app, email = wants(user.pk, kind)
            NotificationPreference.objects.update_or_create(
                user=user,
                type=kind,
                defaults={
                    "in_app": in_app if change.get("in_app") is None else change["in_app"],
                    "email": email if change.get("email") is None else change["email"],
                },
            )
    return preferences(user)
