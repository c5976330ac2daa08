"""Who may see what: public to all, followers-only to the owner's followers, private to the owner,
and nothing at all across a block (either way; `apps/social/blocking.py`). Moderation takes out
more, for everyone but the owner: the content of a suspended reader
(`apps/accounts/suspension.py`) and items moderators hid (`moderation_status`).

Items the viewer may not see are filtered out of querysets (absent, not "forbidden").
"""

from django.db.models import Q, QuerySet

from apps.accounts.suspension import suspended_users
from apps.core.models import ModerationStatus, Privacy
from apps.social.blocking import blocked_between, not_blocked_q
from apps.social.models import Follow


def followees_of(viewer_id: int) -> QuerySet:
    return Follow.objects.filter(follower_id=viewer_id).values("followee_id")


def moderated_q(viewer, *, owner: str = "user", status: str | None = "moderation_status") -> Q:
    """Moderation's part of `visible_q`: the owner is not suspended and the row's `status`
    column (None: a row without one) is not hidden — unless the viewer owns the row."""
    kept = ~Q(**{f"{owner}_id__in": suspended_users()})
    if status is not None:
        kept &= Q(**{status: ModerationStatus.VISIBLE})
    if viewer is None or not viewer.is_authenticated:
        return kept
    return kept | Q(**{f"{owner}_id": viewer.pk})


def visible_q(
    viewer, *, owner: str = "user", privacy: str = "privacy", moderated: bool = True
) -> Q:
    """A filter keeping the rows `viewer` may see, for rows with an owner and a privacy.

    `moderated=False` for rows without a `moderation_status` beside their `privacy`
    (activities); they still leave with a suspended owner."""
    status = privacy.removesuffix("privacy") + "moderation_status" if moderated else None
    public = Q(**{privacy: Privacy.PUBLIC})
    if viewer is None or not viewer.is_authenticated:
        return public & moderated_q(viewer, owner=owner, status=status)
    return (
        (
            public
            | Q(**{f"{owner}_id": viewer.pk})
            | Q(**{privacy: Privacy.FOLLOWERS, f"{owner}_id__in": followees_of(viewer.pk)})
        )
        & not_blocked_q(viewer, owner=owner)
        & moderated_q(viewer, owner=owner, status=status)
    )


def can_see(
    viewer, owner_id: int, privacy: str, moderation_status: str = ModerationStatus.VISIBLE
) -> bool:
    """The same rule for one object already loaded."""
    if viewer is not None and viewer.is_authenticated and viewer.pk == owner_id:
        return True
    if moderation_status != ModerationStatus.VISIBLE:
        return False
    if suspended_users().filter(pk=owner_id).exists():
        return False
    if viewer is None or not viewer.is_authenticated:
        return privacy == Privacy.PUBLIC
    if blocked_between(viewer.pk, owner_id):
        return False
    if privacy == Privacy.PUBLIC:
        return True
    return (
        privacy == Privacy.FOLLOWERS
        and Follow.objects.filter(follower_id=viewer.pk, followee_id=owner_id).exists()
    )
