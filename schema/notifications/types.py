"""GraphQL types of notifications and notification preferences."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from strawberry import relay

from apps.notifications import models
from schema.accounts.loaders import UserByIdLoader
from schema.context import Info

if TYPE_CHECKING:
    from schema.accounts.types import UserType


@strawberry_django.type(models.NotificationType, name="NotificationKind")
class NotificationKindType:
    """A kind of notification (new follower, reservation ready …) and its default channels."""

    key: str = strawberry_django.field(description="Stable key, e.g. `new_follower`.")
    name: str = strawberry_django.field(description="Human-readable name.")
    description: str = strawberry_django.field(description="When it is sent.")
    default_in_app: bool = strawberry_django.field(description="Shown in the app unless opted out.")
    default_email: bool = strawberry_django.field(description="Emailed unless opted out.")


@strawberry_django.type(models.Notification, name="Notification")
class NotificationType(relay.Node):
    """Something the viewer should know about."""

    created_at: datetime = strawberry_django.field(description="When it was sent.")
    read_at: datetime | None = strawberry_django.field(description="When it was read, or null.")
    data: strawberry.scalars.JSON = strawberry_django.field(
        description="Details for rendering, e.g. the book title or pickup deadline."
    )
    kind: NotificationKindType = strawberry_django.field(
        field_name="type", description="What kind of notification."
    )

    @strawberry_django.field(description="Whether the viewer has read it.")
    def is_read(self) -> bool:
        return self.read_at is not None

    @strawberry_django.field(description="Who caused it, if a reader did.")
    async def actor(
        self, info: Info
    ) -> Annotated["UserType", strawberry.lazy("schema.accounts.types")] | None:
        if self.actor_id is None:
            return None
        return await info.context.loaders.get(UserByIdLoader).load(self.actor_id)


@strawberry.type(description="The viewer's channels for one kind of notification.")
class NotificationPreferenceType:
    kind: NotificationKindType = strawberry.field(description="Which kind.")
    in_app: bool = strawberry.field(description="Show it in the app (and live).")
    email: bool = strawberry.field(description="Send it by email.")
