"""Blocks and mutes: the one statement of who no longer sees or reaches whom.

A block works both ways: rows owned by a reader who blocked the viewer, or whom the viewer
blocked, are absent for the viewer (as private things are). `visible_q`, `can_see` and the
profile rules of `apps/reading/selectors.py` apply `not_blocked_q` / `blocked_between`, so every
queryset built on them — both read paths — leaves such rows out.

A mute is one way and quiet: `not_muted_q` takes the muted reader's rows out of the muter's
feed and notifications only.
"""

from django.db.models import Q, QuerySet

from apps.social.models import Block, Mute


def _viewer_id(viewer) -> int | None:
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return None
    return viewer.pk


def blocked_by(viewer_id: int) -> QuerySet:
    """Ids of the readers `viewer_id` blocked."""
    return Block.objects.filter(blocker_id=viewer_id).values("blocked_id")


def blockers_of(viewer_id: int) -> QuerySet:
    """Ids of the readers who blocked `viewer_id`."""
    return Block.objects.filter(blocked_id=viewer_id).values("blocker_id")


def not_blocked_q(viewer, *, owner: str = "user") -> Q:
    """A filter keeping rows whose owner (`<owner>_id`) has no block with `viewer` either way.

    `owner="pk"` filters users themselves. Anonymous viewers are never blocked.
    """
    viewer_id = _viewer_id(viewer)
    if viewer_id is None:
        return Q()
    field = "pk" if owner == "pk" else f"{owner}_id"
    return ~Q(**{f"{field}__in": blocked_by(viewer_id)}) & ~Q(
        **{f"{field}__in": blockers_of(viewer_id)}
    )


def blocked_between(a_id: int | None, b_id: int | None) -> bool:
    """Whether either of two readers blocked the other (one query)."""
    if a_id is None or b_id is None or a_id == b_id:
        return False
    return Block.objects.filter(
        Q(blocker_id=a_id, blocked_id=b_id) | Q(blocker_id=b_id, blocked_id=a_id)
    ).exists()


def blocked_with(user_id: int) -> set[int]:
    """Ids of the readers with a block with `user_id`, either way (one query)."""
    rows = Block.objects.filter(Q(blocker_id=user_id) | Q(blocked_id=user_id))
    return {
        other
        for pair in rows.values_list("blocker_id", "blocked_id")
        for other in pair
        if other != user_id
    }


def muted_by(viewer_id: int) -> QuerySet:
    """Ids of the readers `viewer_id` muted."""
    return Mute.objects.filter(muter_id=viewer_id).values("muted_id")


def not_muted_q(viewer, *, owner: str = "user") -> Q:
    """A filter taking out rows whose owner the viewer muted (feeds, notifications)."""
    viewer_id = _viewer_id(viewer)
    if viewer_id is None:
        return Q()
    field = "pk" if owner == "pk" else f"{owner}_id"
    return ~Q(**{f"{field}__in": muted_by(viewer_id)})


def silenced_q(recipient, *, owner: str = "actor") -> Q:
    """What a reader's notifications leave out: actors across a block, and those they muted."""
    return not_blocked_q(recipient, owner=owner) & not_muted_q(recipient, owner=owner)
