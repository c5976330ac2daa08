"""Reading notifications and choosing their channels."""

from typing import Annotated

import strawberry
from strawberry import relay

from apps.notifications import services
from schema.auth import require_user
from schema.context import Info
from schema.errors import MutationError, decode_id, run
from schema.notifications.queries import preference_types
from schema.notifications.types import NotificationPreferenceType


@strawberry.input(description="New channels for one kind of notification.")
class NotificationPreferenceInput:
    kind: str = strawberry.field(description="The kind's key, e.g. `new_follower`.")
    in_app: bool | None = strawberry.field(
        default=None, description="Show it in the app (and live); null keeps the current value."
    )
    email: bool | None = strawberry.field(
        default=None, description="Send it by email; null keeps the current value."
    )


@strawberry.type(description="The viewer's unread count after marking, or why nothing changed.")
class MarkNotificationsReadPayload:
    unread_count: int | None = strawberry.field(
        description="How many of the viewer's notifications are still unread; null on errors."
    )
    errors: list[MutationError] = strawberry.field(
        description="`INVALID` on `ids` when not exactly one of `ids` and `all: true` is "
        "given; `NOT_FOUND` on `ids` for an id that is not a Notification's."
    )


@strawberry.type(description="Every preference of the viewer after the update.")
class UpdateNotificationPreferencesPayload:
    preferences: list[NotificationPreferenceType] | None = strawberry.field(
        description="The viewer's channels for every kind; null on errors."
    )
    errors: list[MutationError] = strawberry.field(
        description="`NOT_FOUND` on `input.<index>.kind` for an unknown kind; nothing changes."
    )


def _mark_read(user, ids: list[relay.GlobalID] | None, everything: bool) -> int:
    numbers = None if ids is None else [decode_id(i, "Notification", field="ids") for i in ids]
    return services.mark_notifications_read(user, ids=numbers, everything=everything)


@strawberry.type
class NotificationsMutation:
    @strawberry.mutation(
        description="Mark notifications read: those in `ids`, or `all: true` of them (exactly "
        "one of the two). Ids of notifications that are not the viewer's are ignored. "
        "Requires login."
    )
    async def mark_notifications_read(
        self,
        info: Info,
        ids: Annotated[
            list[relay.GlobalID] | None,
            strawberry.argument(description="Global ids of the Notifications to mark read."),
        ] = None,
        all_: Annotated[
            bool, strawberry.argument(name="all", description="Mark every one read.")
        ] = False,
    ) -> MarkNotificationsReadPayload:
        outcome = await run(_mark_read, require_user(info), ids, all_)
        return MarkNotificationsReadPayload(unread_count=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description="Choose the viewer's channels for some kinds of notification; the others "
        "keep theirs. All or nothing. Requires login."
    )
    async def update_notification_preferences(
        self,
        info: Info,
        input: Annotated[
            list[NotificationPreferenceInput],
            strawberry.argument(description="One entry per kind to change."),
        ],
    ) -> UpdateNotificationPreferencesPayload:
        changes = [{"kind": i.kind, "in_app": i.in_app, "email": i.email} for i in input]
        outcome = await run(services.update_preferences, require_user(info), changes)
        return UpdateNotificationPreferencesPayload(
            preferences=preference_types(outcome.value) if outcome.ok else None,
            errors=outcome.errors,
        )
