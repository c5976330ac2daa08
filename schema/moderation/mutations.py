"""Reporting content, and moderators' actions on reports and readers."""

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay

from apps.core.errors import NotFound
from apps.moderation import services
from apps.moderation.subjects import kind_named
from schema.accounts.types import UserType
from schema.auth import require_user
from schema.context import Info
from schema.errors import MutationError, decode_id, run
from schema.moderation.types import ModerationActionEnum, ReportReasonEnum, ReportType


def _arg(description: str):
    return strawberry.argument(description=description)


@strawberry.type(description="The report filed, or why not.")
class ReportPayload:
    report: ReportType | None = strawberry.field(description="The new report; null on errors.")
    errors: list[MutationError] = strawberry.field(
        description="`NOT_FOUND` on `subjectId` (nothing reportable the viewer can see), "
        "`INVALID` (your own content, `details` too long), `CONFLICT` (already reported and "
        "still open), `RATE_LIMITED` (too many reports this hour)."
    )


@strawberry.type(description="The report resolved, or why not.")
class ResolveReportPayload:
    report: ReportType | None = strawberry.field(description="The resolved report; null on errors.")
    errors: list[MutationError] = strawberry.field(
        description="`NOT_ALLOWED` (not a moderator), `NOT_FOUND` on `id`, `CONFLICT` (already "
        "resolved, or the content or reader is gone), `INVALID` (`until` without "
        "`SUSPEND_USER` or in the past, an action the content does not allow)."
    )


@strawberry.type(description="The reader whose suspension was lifted, or why not.")
class UnsuspendUserPayload:
    user: UserType | None = strawberry.field(description="The reader; null on errors.")
    errors: list[MutationError] = strawberry.field(
        description="`NOT_ALLOWED` (not a moderator), `NOT_FOUND` on `userId`, `CONFLICT` "
        "(not suspended)."
    )


def _report(user, subject_id: relay.GlobalID, reason, details: str | None):
    kind = kind_named(subject_id.type_name)
    if kind is None or not str(subject_id.node_id).isdigit():
        raise NotFound("Nothing to report with this id.", field="subject_id")
    return services.report(user, kind.name, int(subject_id.node_id), reason.value, details or "")


def _resolve(user, report_id: relay.GlobalID, action, note, until):
    number = decode_id(report_id, "Report", field="id")
    return services.resolve_report(user, number, action.value, note or "", until)


def _unsuspend(user, user_id: relay.GlobalID, note):
    return services.unsuspend(user, decode_id(user_id, "User", field="userId"), note or "")


@strawberry.type
class ModerationMutation:
    @strawberry.mutation(
        description="Report a review, reading list or reader (`User`; other kinds as they are "
        "registered) that the viewer can see. Moderators see it in `reports`; the reporter "
        "follows it in `me { reports }` and is notified of the outcome. At most "
        "`REPORTS_PER_HOUR` reports an hour. Requires login."
    )
    async def report(
        self,
        info: Info,
        subject_id: Annotated[relay.GlobalID, _arg("Global id of what is reported.")],
        reason: Annotated[ReportReasonEnum, _arg("Why.")],
        details: Annotated[str | None, _arg("Anything moderators should know (2000 max).")] = None,
    ) -> ReportPayload:
        outcome = await run(_report, require_user(info), subject_id, reason, details)
        return ReportPayload(report=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description="Resolve an open report (moderators only): `DISMISS` it, `HIDE_CONTENT` "
        "(absent for everyone but its author, who sees `moderationStatus: HIDDEN`), or "
        "`SUSPEND_USER` — its author, `until` a date or indefinitely: every session, refresh "
        "token and personal access token revoked at once, logins refused with "
        "`ACCOUNT_SUSPENDED`, their content hidden while suspended. Logged in `moderationLog`; "
        "the reporter is notified (`report_resolved`)."
    )
    async def resolve_report(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, _arg("Global id of the Report.")],
        action: Annotated[ModerationActionEnum, _arg("What to do.")],
        note: Annotated[str | None, _arg("Why (kept in the log; moderators only).")] = None,
        until: Annotated[
            datetime | None, _arg("For `SUSPEND_USER`: when it ends; null: indefinitely.")
        ] = None,
    ) -> ResolveReportPayload:
        outcome = await run(_resolve, require_user(info), id, action, note, until)
        return ResolveReportPayload(report=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description="Lift a reader's suspension (moderators only): their content shows again "
        "and they may log in (their old tokens stay revoked). Logged in `moderationLog`."
    )
    async def unsuspend_user(
        self,
        info: Info,
        user_id: Annotated[relay.GlobalID, _arg("Global id of the User.")],
        note: Annotated[str | None, _arg("Why (kept in the log).")] = None,
    ) -> UnsuspendUserPayload:
        outcome = await run(_unsuspend, require_user(info), user_id, note)
        return UnsuspendUserPayload(user=outcome.value, errors=outcome.errors)
