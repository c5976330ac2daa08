"""The moderation queue and the audit log (moderators only)."""

from typing import Annotated

import strawberry
from django.db.models import QuerySet

from apps.moderation.models import ModerationLogEntry, Report
from apps.moderation.permissions import viewer_moderates
from schema.auth import require_user
from schema.context import Info
from schema.fields import connection
from schema.moderation.types import ModerationLogEntryType, ReportStatusEnum, ReportType
from schema.pagination import CursorConnection


@strawberry.type
class ModerationQuery:
    @connection(
        CursorConnection[ReportType],
        description="Reports, newest first, optionally of one status (the queue: `OPEN`). "
        "Moderators only (staff, or the `moderation.moderate` permission): empty for other "
        "readers; requires login.",
    )
    def reports(
        self,
        info: Info,
        status: Annotated[
            ReportStatusEnum | None, strawberry.argument(description="Only reports in this state.")
        ] = None,
    ) -> QuerySet[Report]:
        # The rule is SQL (no query while the plan is built): other readers see no rows.
        rows = Report.objects.filter(viewer_moderates(require_user(info)))
        if status is not None:
            rows = rows.filter(status=status.value)
        return rows.order_by("-created_at", "-id")

    @connection(
        CursorConnection[ModerationLogEntryType],
        description="Every moderation action, newest first: who, when, what, why. Moderators "
        "only (empty for other readers, as `reports`); requires login.",
    )
    def moderation_log(self, info: Info) -> QuerySet[ModerationLogEntry]:
        return ModerationLogEntry.objects.filter(viewer_moderates(require_user(info))).order_by(
            "-created_at", "-id"
        )
