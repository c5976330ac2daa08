"""GraphQL types of moderation: reports and the audit log."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from asgiref.sync import sync_to_async
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from strawberry import relay

from apps.accounts.models import User
from apps.moderation import models
from apps.moderation.permissions import is_moderator, viewer_moderates
from apps.moderation.subjects import kind_of_model
from schema.accounts.loaders import UserByIdLoader
from schema.compiled.forms import Rows, sql
from schema.context import Info
from schema.fields import PkId, model_field
from schema.nodes import resolve_global_ids

if TYPE_CHECKING:
    from schema.accounts.types import UserType

UserTypeRef = Annotated["UserType", strawberry.lazy("schema.accounts.types")]

ReportReasonEnum = strawberry.enum(
    models.ReportReason,
    name="ReportReason",
    description="Why a reader reports something.",
)
ReportStatusEnum = strawberry.enum(
    models.ReportStatus,
    name="ReportStatus",
    description="Where a report is: waiting for a moderator, dismissed, or acted on.",
)
ModerationActionEnum = strawberry.enum(
    models.ModerationAction,
    name="ModerationAction",
    description="What a moderator does: `DISMISS` a report, `HIDE_CONTENT` (absent for "
    "everyone but its author), `SUSPEND_USER` (no login, tokens revoked, content hidden), "
    "`UNSUSPEND_USER` (only through `unsuspendUser`, kept in the log).",
)


def _global_id(content_type_id: int | None, object_id: int | None) -> relay.GlobalID | None:
    if content_type_id is None or object_id is None:
        return None
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    kind = kind_of_model(model)
    return relay.GlobalID(kind.name if kind else model.__name__, str(object_id))


@strawberry_django.type(
    models.Report,
    name="Report",
    description="A reader's report of a review, list, profile or other content. Seen by its "
    "reporter (`me { reports }`) and by moderators (`reports`).",
)
class ReportType(PkId, relay.Node):
    """A reader's report of a review, list, profile or other content."""

    reason: ReportReasonEnum = model_field(description="Why it was reported.")
    details: str = model_field(description="What the reporter added, or empty.")
    status: ReportStatusEnum = model_field(description="Open, dismissed or acted on.")
    created_at: datetime = model_field(description="When it was reported.")
    resolved_at: datetime | None = model_field(description="When a moderator resolved it.")

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        # Its reporter and moderators see a report; nobody else knows it exists.
        viewer = info.context.user
        if viewer is None or not viewer.is_authenticated:
            return queryset.none()
        return queryset.filter(Q(reporter_id=viewer.pk) | viewer_moderates(viewer))

    action: ModerationActionEnum | None = model_field(
        description="What the moderator did, once resolved; null while open."
    )

    @strawberry.field(description="Global id of what was reported (a Review, ReadingList, User …).")
    async def subject_id(self) -> relay.GlobalID:
        return await sync_to_async(_global_id)(self.subject_type_id, self.subject_id)

    @strawberry.field(
        description="What was reported, as far as the viewer may see it (null once deleted or "
        "hidden from the reporter; moderators see hidden content too)."
    )
    async def subject(self, info: Info) -> relay.Node | None:
        global_id = await sync_to_async(_global_id)(self.subject_type_id, self.subject_id)
        if await sync_to_async(is_moderator)(info.context.user):
            return await _any_node(info, self.subject_type_id, self.subject_id, global_id)
        return (await resolve_global_ids(info, [str(global_id)]))[0]

    @sql(Rows(lambda row, viewer: User.objects.filter(pk=row.reporter_id)))
    @strawberry_django.field(description="Who reported it.")
    async def reporter(self, info: Info) -> UserTypeRef:
        return await info.context.loaders.get(UserByIdLoader).load(self.reporter_id)

    @strawberry.field(
        description="The moderator's note on the resolution. Only moderators may read it."
    )
    async def note(self, info: Info) -> str:
        await _require_moderator(info)
        return self.note


async def _require_moderator(info: Info) -> None:
    from schema.permissions import not_allowed

    if not await sync_to_async(is_moderator)(info.context.user):
        raise not_allowed("Only moderators may read this.")


async def _any_node(info: Info, type_id: int, object_id: int, global_id) -> relay.Node | None:
    """The subject whatever its visibility (for moderators), as its GraphQL type."""
    from schema.nodes import _node_type

    content_type = await sync_to_async(ContentType.objects.get_for_id)(type_id)
    found = await content_type.model_class().objects.filter(pk=object_id).afirst()
    named = _node_type(info, str(global_id))
    if found is None or named is None:
        return None
    return strawberry.cast(named[0], found)


@strawberry_django.type(
    models.ModerationLogEntry,
    name="ModerationLogEntry",
    description="One moderation action: who, when, what, why. Only moderators read the log.",
)
class ModerationLogEntryType(PkId, relay.Node):
    """One moderation action: who, when, what, why."""

    action: ModerationActionEnum = model_field(description="What was done.")
    note: str = model_field(description="Why, in the moderator's words.")
    created_at: datetime = model_field(description="When.")
    suspended_until: datetime | None = model_field(
        description="For `SUSPEND_USER`: when the suspension ends (null: indefinitely)."
    )

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset.filter(viewer_moderates(info.context.user))

    @sql(Rows(lambda row, viewer: User.objects.filter(pk=row.moderator_id)))
    @strawberry_django.field(description="Who acted (null once their account is deleted).")
    async def moderator(self, info: Info) -> UserTypeRef | None:
        if self.moderator_id is None:
            return None
        return await info.context.loaders.get(UserByIdLoader).load(self.moderator_id)

    @sql(Rows(lambda row, viewer: User.objects.filter(pk=row.user_id)))
    @strawberry_django.field(description="The reader concerned, if any.")
    async def user(self, info: Info) -> UserTypeRef | None:
        if self.user_id is None:
            return None
        return await info.context.loaders.get(UserByIdLoader).load(self.user_id)

    @sql(Rows(lambda row, viewer: models.Report.objects.filter(pk=row.report_id)))
    @strawberry_django.field(description="The report acted on, if any.")
    async def report(self, info: Info) -> ReportType | None:
        if self.report_id is None:
            return None
        return await models.Report.objects.filter(pk=self.report_id).afirst()

    @strawberry.field(description="Global id of the content acted on, if any.")
    async def subject_id(self) -> relay.GlobalID | None:
        return await sync_to_async(_global_id)(self.subject_type_id, self.subject_id)
