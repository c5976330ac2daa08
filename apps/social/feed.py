"""Feeds: what the people a reader follows did, and what one reader did (their profile page).

An activity shows when both its own privacy (copied from its source: a private review leaves a
private activity) and its actor's profile privacy let the viewer see it — the profile rule is
the one that hides a reader's shelves and ratings. Newest first on (created_at, id), which the
`activity_actor` index serves, so pages are keyset-paginated without counting what came before.
"""

from django.db.models import Q, QuerySet

from apps.accounts.models import User
from apps.core.models import Privacy
from apps.social.blocking import not_muted_q
from apps.social.models import Activity
from apps.social.visibility import followees_of, visible_q

ORDER = ("-created_at", "-id")


def _actor_profile_visible_q(viewer) -> Q:
    """The actor's profile lets `viewer` see their reading (`apps.reading.selectors` has the same
    rule for shelves; repeated here because `social` sits below `reading`). No profile: public."""
    public = Q(actor__profile__privacy=Privacy.PUBLIC) | Q(actor__profile__isnull=True)
    if viewer is None or not viewer.is_authenticated:
        return public
    return (
        public
        | Q(actor_id=viewer.pk)
        | Q(actor__profile__privacy=Privacy.FOLLOWERS, actor_id__in=followees_of(viewer.pk))
    )


def visible_activities(viewer) -> QuerySet[Activity]:
    """Activities of active readers that `viewer` may see, newest first."""
    return (
        Activity.objects.filter(actor__is_active=True)
        .filter(visible_q(viewer, owner="actor", moderated=False))
        .filter(_actor_profile_visible_q(viewer))
        .order_by(*ORDER)
    )


def feed(viewer: User) -> QuerySet[Activity]:
    """The viewer's home feed: activities of the readers they follow (not their own), less
    those of readers they muted."""
    return (
        visible_activities(viewer)
        .filter(actor_id__in=followees_of(viewer.pk))
        .filter(not_muted_q(viewer, owner="actor"))
    )


def user_activity(viewer, username: str) -> QuerySet[Activity]:
    """One reader's activities as `viewer` may see them; none when their profile is hidden."""
    if "\x00" in username:  # PostgreSQL cannot compare text with NUL; no username has one
        return Activity.objects.none()
    return visible_activities(viewer).filter(actor__username__iexact=username.strip())
