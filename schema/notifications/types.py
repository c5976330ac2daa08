"""GraphQL types of notifications and notification preferences."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from strawberry import relay

from apps.notifications import models
from apps.social.blocking import silenced_q
from schema.accounts.loaders import UserByIdLoader
from schema.context import Info
from schema.fields import PkId, model_field
from schema.notifications.loaders import NotificationKindByIdLoader

if TYPE_CHECKING:
    from schema.accounts.types import UserType


@strawberry_django.type(
    models.NotificationType,
    name="NotificationKind",
    description="A kind of notification (new follower, reservation ready …) "
    "and its default channels.",
)
class NotificationKindType:
    """A kind of notification (new follower, reservation ready …) and its default channels."""

    key: str = model_field(description="Stable key, e.g. `new_follower`.")
    name: str = model_field(description="Human-readable name.")
    description: str = model_field(description="When it is sent.")
    default_in_app: bool = model_field(description="Shown in the app unless opted out.")
    default_email: bool = model_field(description="Emailed unless opted out.")


@strawberry_django.type(
    models.Notification, name="Notification", description="Something the viewer should know about."
)
class NotificationType(PkId, relay.Node):
    """Something the viewer should know about."""

    created_at: datetime = model_field(description="When it was sent.")
    read_at: datetime | None = model_field(description="When it was read, or null.")
    data: strawberry.scalars.JSON = model_field(
        description="Details for rendering, e.g. the book title or pickup deadline."
    )

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        # Only the recipient may see a notification, through `node(id:)` or any list.
        # Blocked and muted actors' notifications are left out (apps/social/blocking.py).
        viewer_id = info.context.viewer_id
        if not viewer_id:
            return queryset.none()
        return queryset.filter(recipient_id=viewer_id).filter(silenced_q(info.context.user))

    @strawberry_django.field(description="What kind of notification.")
    async def kind(self, info: Info) -> NotificationKindType:
        return await info.context.loaders.get(NotificationKindByIdLoader).load(self.type_id)

    @strawberry_django.field(
        description="Global id of what it is about (the new follower's User, a Reservation …), "
        "or null."
    )
    def target_id(self) -> relay.GlobalID | None:
        if self.target_type_id is None:
            return None
        model = ContentType.objects.get_for_id(self.target_type_id).model_class()
        return relay.GlobalID(model.__name__, str(self.target_id))

    @strawberry.field(description="Whether the viewer has read it.")
    def is_read(self) -> bool:
        return self.read_at is not None

    @strawberry_django.field(description="Who caused it, if a reader did.")
    async def actor(
        self, info: Info
    ) -> Annotated["UserType", strawberry.lazy("schema.accounts.types")] | None:
        if self.actor_id is None:
            return None
        return await info.context.loaders.get(UserByIdLoader).load(self.actor_id)


@strawberry.type(
    name="NotificationPreference",
    description="The viewer's channels for one kind of notification.",
)
class NotificationPreferenceType:
    kind: NotificationKindType = strawberry.field(description="Which kind.")
    in_app: bool = strawberry.field(description="Show it in the app (and live).")
    email: bool = strawberry.field(description="Send it by email.")
