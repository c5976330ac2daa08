"""GraphQL types of social life: activities that make up feeds."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from strawberry import relay

from apps.accounts.models import User
from apps.catalog.models import Book
from apps.social import models
from apps.social.visibility import visible_q
from schema.accounts.loaders import UserByIdLoader
from schema.catalog.loaders import BookByIdLoader
from schema.compiled.forms import OneOf, Rows, sql
from schema.context import Info
from schema.conversation.fields import likeable
from schema.discovery.targets import load_target, target_rows
from schema.enums import PrivacyEnum, VerbEnum
from schema.fields import PkId, model_field

if TYPE_CHECKING:
    from schema.accounts.types import UserType
    from schema.catalog.types import BookType
    from schema.discovery.targets import ActivityTarget


@strawberry_django.type(
    models.Activity,
    name="Activity",
    description="Something a reader did: “Ada finished Dune”, “Ada rated Dune 4.5”.",
)
class ActivityType(likeable("activity"), PkId, relay.Node):
    """Something a reader did: “Ada finished Dune”, “Ada rated Dune 4.5”."""

    verb: VerbEnum = model_field(description="What happened.")

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        # `node(id:)` and connections show only activities the viewer may see (absent, else).
        return queryset.filter(visible_q(info.context.user, owner="actor", moderated=False))

    privacy: PrivacyEnum = model_field(description="Who may see it.")
    created_at: datetime = model_field(description="When it happened.")
    data: strawberry.scalars.JSON = model_field(
        description='Details of the event, e.g. `{"rating": 4.5}` or `{"status": "read"}`.'
    )

    @sql(Rows(lambda row, viewer: User.objects.filter(pk=row.actor_id)))
    @strawberry_django.field(description="Who did it.")
    async def actor(
        self, info: Info
    ) -> Annotated["UserType", strawberry.lazy("schema.accounts.types")]:
        return await info.context.loaders.get(UserByIdLoader).load(self.actor_id)

    @sql(Rows(lambda row, viewer: Book.objects.filter(pk=row.book_id)))
    @strawberry_django.field(description="The book concerned, if any.")
    async def book(
        self, info: Info
    ) -> Annotated["BookType", strawberry.lazy("schema.catalog.types")] | None:
        if self.book_id is None:
            return None
        return await info.context.loaders.get(BookByIdLoader).load(self.book_id)

    @sql(OneOf(target_rows))
    @strawberry_django.field(
        description="The object acted on — a Book, Review, ReadingList, User or JournalEntry — "
        "or null when the viewer may no longer see it (e.g. a review made private since)."
    )
    async def target(
        self, info: Info
    ) -> Annotated["ActivityTarget", strawberry.lazy("schema.discovery.targets")] | None:
        return await load_target(info, self.target_type_id, self.target_id)

    @strawberry_django.field(
        description="Global id of the object acted on (a Book, Review, ReadingList, User …)."
    )
    def target_id(self) -> relay.GlobalID:
        model = ContentType.objects.get_for_id(self.target_type_id).model_class()
        return relay.GlobalID(model.__name__, str(self.target_id))
