"""Reports of abuse, and the audit log of every moderation action."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from apps.core.models import choices_check


class ReportReason(models.TextChoices):
    SPAM = "spam", "Spam"
    HARASSMENT = "harassment", "Harassment"
    HATE = "hate", "Hate"
    SPOILER_WITHOUT_WARNING = "spoiler_without_warning", "Spoiler without warning"
    OTHER = "other", "Other"


class ReportStatus(models.TextChoices):
    OPEN = "open", "Open"
    DISMISSED = "dismissed", "Dismissed"
    ACTIONED = "actioned", "Action taken"


class ModerationAction(models.TextChoices):
    DISMISS = "dismiss", "Dismiss"
    HIDE_CONTENT = "hide_content", "Hide the content"
    SUSPEND_USER = "suspend_user", "Suspend the user"
    UNSUSPEND_USER = "unsuspend_user", "Lift a suspension"


class Report(models.Model):
    """A reader's report of a review, list, profile (or any registered kind of subject)."""

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made"
    )
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    # Whose content it is, kept when the subject is deleted (a suspension still has a target).
    subject_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports_received",
    )
    reason = models.CharField(max_length=30, choices=ReportReason.choices)
    details = models.TextField(max_length=2000, blank=True)
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports_resolved",
    )
    action = models.CharField(
        max_length=20, choices=ModerationAction.choices, null=True, blank=True
    )
    note = models.TextField(max_length=2000, blank=True)

    class Meta:
        permissions = [("moderate", "Can read reports and act on them (moderator)")]
        indexes = [
            models.Index(fields=["status", "-created_at", "-id"], name="report_queue"),
            models.Index(fields=["reporter", "-created_at", "-id"], name="report_reporter"),
        ]
        constraints = [
            choices_check("reason", ReportReason, "report_reason_valid"),
            choices_check("status", ReportStatus, "report_status_valid"),
            models.UniqueConstraint(
                fields=["reporter", "subject_type", "subject_id"],
                condition=Q(status="open"),
                name="report_open_once",
            ),
        ]

    def __str__(self) -> str:
        return f"report {self.pk}: {self.reason} on {self.subject_type_id}:{self.subject_id}"


class ModerationLogEntry(models.Model):
    """One moderation action: who, when, what, why. Never edited, never deleted with a report."""

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="moderation_actions",
    )
    action = models.CharField(max_length=20, choices=ModerationAction.choices)
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="log_entries"
    )
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    # The reader the action concerns (the subject's owner, the suspended reader).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_log",
    )
    note = models.TextField(max_length=2000, blank=True)
    suspended_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "moderation log entries"
        indexes = [models.Index(fields=["-created_at", "-id"], name="moderation_log_recent")]
        constraints = [choices_check("action", ModerationAction, "moderation_action_valid")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} by {self.moderator_id}"
