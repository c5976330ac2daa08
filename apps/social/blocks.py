"""Blocking and muting readers (the rule they set is in `apps/social/blocking.py`).

All four operations set a state, so they are idempotent: blocking twice, or unblocking a reader
not blocked, changes nothing and fails nothing.
"""

from django.db import transaction

from apps.accounts.models import User
from apps.accounts.services import get_active_user
from apps.core.errors import Invalid, NotFound
from apps.social.models import Block, Follow, Mute
from apps.social.services import unfollow


def _other(user: User, other_id: int, *, verb: str) -> User:
    if other_id == user.pk:
        raise Invalid(f"You cannot {verb} yourself.", field="user_id")
    return get_active_user(other_id, field="user_id")


def block_user(user: User, blocked_id: int) -> User:
    """`user` blocks `blocked_id`: follows both ways end (with their `followed` activities),
    and from then on neither sees nor reaches the other. Returns the blocked reader."""
    blocked = _other(user, blocked_id, verb="block")
    with transaction.atomic():
        Block.objects.get_or_create(blocker=user, blocked=blocked)
        if Follow.objects.filter(follower=user, followee=blocked).exists():
            unfollow(user, blocked.pk)
        if Follow.objects.filter(follower=blocked, followee=user).exists():
            unfollow(blocked, user.pk)
    return blocked


def unblock_user(user: User, blocked_id: int) -> User:
    """`user` lifts their block of `blocked_id` (follows that ended stay ended)."""
    blocked = User.objects.filter(pk=blocked_id).first()
    if blocked is None:
        raise NotFound("No user with this id.", field="user_id")
    Block.objects.filter(blocker=user, blocked=blocked).delete()
    return blocked


def mute_user(user: User, muted_id: int) -> User:
    """`user` mutes `muted_id`: their activity and reviews leave `user`'s feed and
    notifications. The muted reader is not told and sees no difference."""
    muted = _other(user, muted_id, verb="mute")
    Mute.objects.get_or_create(muter=user, muted=muted)
    return muted


def unmute_user(user: User, muted_id: int) -> User:
    """`user` stops muting `muted_id`."""
    muted = User.objects.filter(pk=muted_id).first()
    if muted is None:
        raise NotFound("No user with this id.", field="user_id")
    Mute.objects.filter(muter=user, muted=muted).delete()
    return muted
