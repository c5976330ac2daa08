"""Recording what readers do, for feeds: one `Activity` row per social action."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from apps.core.events import publish, user_group
from apps.core.models import Privacy
from apps.social.models import Activity, Verb


def record_activity(
    actor,
    verb: Verb,
    target: models.Model,
    *,
    book=None,
    privacy: str = Privacy.PUBLIC,
    data: dict | None = None,
) -> Activity:
    """Record `actor` did `verb` to `target`, in the caller's transaction; announce it after commit."""
    activity = Activity.objects.create(
        actor=actor,
        verb=verb,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        book=book,
        privacy=privacy,
        data=data or {},
    )
    publish(
        user_group(actor.pk),
        "activity_added",
        {"activity_id": activity.pk, "actor_id": actor.pk, "privacy": privacy},
    )
    return activity


def remove_activities(target: models.Model, verb: Verb | None = None) -> int:
    """Forget the activities about `target` (a deleted review leaves no "reviewed" behind)."""
    rows = Activity.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk
    )
    if verb is not None:
        rows = rows.filter(verb=verb)
    return rows.delete()[0]
