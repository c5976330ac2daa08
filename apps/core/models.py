"""Abstract bases shared by the domain models."""

from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Privacy(models.TextChoices):
    """Who may see an item: everyone, the owner's followers, or the owner alone."""

    PUBLIC = "public", "Public"
    FOLLOWERS = "followers", "Followers only"
    PRIVATE = "private", "Private"


class ModerationStatus(models.TextChoices):
    """Whether moderators left an item up or hid it (`resolveReport(action: HIDE_CONTENT)`).

    A hidden item is absent for everyone but its author, who sees `moderationStatus` on it."""

    VISIBLE = "visible", "Visible"
    HIDDEN = "hidden", "Hidden by moderators"


def choices_check(
    field: str, choices: type[models.TextChoices], name: str
) -> models.CheckConstraint:
    """A database check that `field` holds one of `choices` (Django validates choices only in forms)."""
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": choices.values}), name=name)
