"""The viewer's notifications, unread count and channel preferences."""

from typing import Annotated

import strawberry
from asgiref.sync import sync_to_async
from django.db.models import QuerySet

from apps.notifications import models, services
from schema.auth import require_user
from schema.context import Info
from schema.fields import connection
from schema.notifications.types import (
    NotificationKindType,
    NotificationPreferenceType,
    NotificationType,
)
from schema.pagination import CursorConnection


def preference_types(preferences) -> list[NotificationPreferenceType]:
    return [
        NotificationPreferenceType(kind=p.type, in_app=p.in_app, email=p.email) for p in preferences
    ]


@strawberry.type
class NotificationsQuery:
    @connection(
        CursorConnection[NotificationType],
        description="The viewer's notifications, newest first. Requires login.",
    )
    def notifications(
        self,
        info: Info,
        unread_only: Annotated[
            bool, strawberry.argument(description="Only those not read yet.")
        ] = False,
    ) -> QuerySet[models.Notification]:
        user = require_user(info)
        rows = models.Notification.objects.filter(recipient=user)
        if unread_only:
            rows = rows.filter(read_at__isnull=True)
        return rows.order_by("-created_at", "-id")

    @strawberry.field(
        description="How many of the viewer's notifications are unread. Requires login."
    )
    async def unread_notification_count(self, info: Info) -> int:
        return await sync_to_async(services.unread_count)(require_user(info))

    @strawberry.field(
        description="The viewer's channels for every kind of notification (their choice, else "
        "the kind's defaults), by key. Requires login."
    )
    async def notification_preferences(self, info: Info) -> list[NotificationPreferenceType]:
        user = require_user(info)
        return preference_types(await sync_to_async(services.preferences)(user))

    @strawberry.field(description="Every kind of notification BookNest sends, by key.")
    async def notification_kinds(self) -> list[NotificationKindType]:
        return [kind async for kind in models.NotificationType.objects.order_by("key")]
