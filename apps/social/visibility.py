"""Who may see what: public to all, followers-only to the owner's followers, private to the owner,
and nothing at all across a block (either way; `apps/social/blocking.py`).

Items the viewer may not see are filtered out of querysets (absent, not "forbidden").
"""

from django.db.models import Q, QuerySet

from apps.core.models import Privacy
from apps.social.blocking import blocked_between, not_blocked_q
from apps.social.models import Follow


def followees_of(viewer_id: int) -> QuerySet:
    return Follow.objects.filter(follower_id=viewer_id).values("followee_id")


def visible_q(viewer, *, owner: str = "user", privacy: str = "privacy") -> Q:
    """A filter keeping the rows `viewer` may see, for rows with an owner and a privacy."""
    public = Q(**{privacy: Privacy.PUBLIC})
    if viewer is None or not viewer.is_authenticated:
        return public
    return (
        public
        | Q(**{f"{owner}_id": viewer.pk})
        | Q(**{privacy: Privacy.FOLLOWERS, f"{owner}_id__in": followees_of(viewer.pk)})
    ) & not_blocked_q(viewer, owner=owner)


def can_see(viewer, owner_id: int, privacy: str) -> bool:
    """The same rule for one object already loaded."""
    if viewer is None or not viewer.is_authenticated:
        return privacy == Privacy.PUBLIC
    if viewer.pk == owner_id:
        return True
    if blocked_between(viewer.pk, owner_id):
        return False
    if privacy == Privacy.PUBLIC:
        return True
    return (
        privacy == Privacy.FOLLOWERS
        and Follow.objects.filter(follower_id=viewer.pk, followee_id=owner_id).exists()
    )
