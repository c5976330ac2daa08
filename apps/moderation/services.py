"""Reporting content, and what moderators do with reports.

Every moderation action writes a `ModerationLogEntry` (who, when, what, why) in the same
transaction as the action itself, and the reporter of a resolved report is notified.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.suspension import suspend_user, unsuspend_user
from apps.core.errors import Conflict, ErrorCode, Invalid, NotAllowed, NotFound, ServiceError
from apps.core.validation import clean_text
from apps.moderation.models import (
    ModerationAction,
    ModerationLogEntry,
    Report,
    ReportReason,
    ReportStatus,
)
from apps.moderation.permissions import is_moderator
from apps.moderation.subjects import kind_named, kind_of_model
from apps.notifications import types
from apps.notifications.services import notify

MAX_TEXT = 2000


def report(
    reporter: User, kind_name: str, subject_id: int, reason: str, details: str = ""
) -> Report:
    """`reporter` reports a subject they can see. At most `REPORTS_PER_HOUR` reports an hour
    (RATE_LIMITED); one open report per reader and subject (CONFLICT)."""
    kind = kind_named(kind_name)
    subject = kind.visible(reporter).filter(pk=subject_id).first() if kind else None
    if subject is None:
        raise NotFound("Nothing to report with this id.", field="subject_id")
    owner_id = kind.owner_id(subject)
    if owner_id == reporter.pk:
        raise Invalid("You cannot report yourself or your own content.", field="subject_id")
    if reason not in ReportReason.values:
        raise Invalid(f"One of {', '.join(ReportReason.values)}.", field="reason")
    details = clean_text(details, field="details", max_length=MAX_TEXT)
    since = timezone.now() - timedelta(hours=1)
    if (
        Report.objects.filter(reporter=reporter, created_at__gte=since).count()
        >= settings.REPORTS_PER_HOUR
    ):
        raise ServiceError(
            f"At most {settings.REPORTS_PER_HOUR} reports an hour; try again later.",
            code=ErrorCode.RATE_LIMITED,
        )
    try:
        with transaction.atomic():
            return Report.objects.create(
                reporter=reporter,
                subject_type=ContentType.objects.get_for_model(kind.model),
                subject_id=subject.pk,
                subject_owner_id=owner_id,
                reason=reason,
                details=details,
            )
    except IntegrityError:  # report_open_once
        raise Conflict(
            "You already reported this; moderators will look at it.", field="subject_id"
        ) from None


def _require_moderator(user: User) -> None:
    if not is_moderator(user):
        raise NotAllowed("Only moderators may do this.")


def _log(moderator, action, *, report=None, user=None, note="", until=None) -> ModerationLogEntry:
    return ModerationLogEntry.objects.create(
        moderator=moderator,
        action=action,
        report=report,
        subject_type_id=report.subject_type_id if report else None,
        subject_id=report.subject_id if report else None,
        user=user,
        note=note,
        suspended_until=until,
    )


OUTCOMES = {
    ModerationAction.DISMISS: "no action was needed",
    ModerationAction.HIDE_CONTENT: "the content was hidden",
    ModerationAction.SUSPEND_USER: "the account was suspended",
}


def resolve_report(
    moderator: User,
    report_id: int,
    action: str,
    note: str = "",
    until: datetime | None = None,
) -> Report:
    """A moderator closes an open report with `action` (DISMISS, HIDE_CONTENT or
    SUSPEND_USER until `until`, None: indefinitely), logged and told to the reporter."""
    _require_moderator(moderator)
    note = clean_text(note, field="note", max_length=MAX_TEXT)
    if action not in (
        ModerationAction.DISMISS,
        ModerationAction.HIDE_CONTENT,
        ModerationAction.SUSPEND_USER,
    ):
        raise Invalid("DISMISS, HIDE_CONTENT or SUSPEND_USER.", field="action")
    if until is not None and action != ModerationAction.SUSPEND_USER:
        raise Invalid("Only a suspension has an end date.", field="until")
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None:
            raise NotFound("No report with this id.", field="id")
        if report.status != ReportStatus.OPEN:
            raise Conflict("This report is already resolved.", field="id")
        target_user = report.subject_owner
        if action == ModerationAction.HIDE_CONTENT:
            _hide(report)
        elif action == ModerationAction.SUSPEND_USER:
            if target_user is None:
                raise Conflict("The reported reader no longer exists.", field="id")
            if target_user.pk == moderator.pk:
                raise Invalid("You cannot suspend yourself.", field="action")
            suspend_user(target_user, until=until)
        report.status = (
            ReportStatus.DISMISSED if action == ModerationAction.DISMISS else ReportStatus.ACTIONED
        )
        report.action = action
        report.note = note
        report.resolved_at = timezone.now()
        report.resolved_by = moderator
        report.save()
        _log(moderator, action, report=report, user=target_user, note=note, until=until)
        notify(
            report.reporter,
            types.REPORT_RESOLVED,
            target=report,
            data={
                "report_id": report.pk,
                "status": report.status,
                "action": action,
                "outcome": OUTCOMES[ModerationAction(action)],
            },
        )
    return report


def _hide(report: Report) -> None:
    model = report.subject_type.model_class()
    kind = kind_of_model(model)
    if kind is None or kind.hide is None:
        raise Invalid("This kind of content cannot be hidden.", field="action")
    subject = model.objects.filter(pk=report.subject_id).first()
    if subject is None:
        raise Conflict("The reported content no longer exists.", field="id")
    kind.hide(subject)


def unsuspend(moderator: User, user_id: int, note: str = "") -> User:
    """A moderator lifts a reader's suspension (logged). Their content shows again; they log
    in anew (the tokens revoked at suspension stay revoked)."""
    _require_moderator(moderator)
    note = clean_text(note, field="note", max_length=MAX_TEXT)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if user is None:
            raise NotFound("No user with this id.", field="user_id")
        if user.suspended_at is None:
            raise Conflict("This reader is not suspended.", field="user_id")
        unsuspend_user(user)
        _log(moderator, ModerationAction.UNSUSPEND_USER, user=user, note=note)
    return user
