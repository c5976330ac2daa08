"""Liking: `like` and `unlike` set a state, so retrying either changes nothing.

Only what the reader may see can be liked (NOT_FOUND otherwise, as for something that does not
exist). The first like notifies the subject's owner (kind `liked`) unless the owner muted the
liker, or is the liker. A quote's `likes_count` (its POPULAR order) changes in the same
transaction as the like row, by an F() update: exact under concurrent likes.
"""

from django.db import IntegrityError, transaction

from apps.accounts.models import User
from apps.conversation.models import Like
from apps.conversation.subjects import describe, owner_id, visible_subject
from apps.impressions.quotes import count_like
from apps.notifications import types
from apps.notifications.services import notify
from apps.social.mentions import may_reach


def like(user, kind: str, pk: int):
    """`user` likes the subject (idempotent); returns it."""
    with transaction.atomic():
        subject = visible_subject(user, kind, pk, field="subject_id")
        try:
            with transaction.atomic():
                _, created = Like.objects.get_or_create(user=user, **{kind: subject})
        except IntegrityError:  # the same like, in a concurrent request
            created = False
        if created and kind == "quote":
            count_like(subject.pk, +1)
        owner = owner_id(kind, subject)
        if created and may_reach(owner, user.pk):
            notify(
                User.objects.get(pk=owner),
                types.LIKED,
                actor=user,
                target=subject,
                data={"username": user.username, "subject": describe(kind)},
            )
    return subject


def unlike(user, kind: str, pk: int):
    """`user` no longer likes the subject (idempotent); returns it."""
    with transaction.atomic():
        subject = visible_subject(user, kind, pk, field="subject_id")
        deleted, _ = Like.objects.filter(user=user, **{kind: subject}).delete()
        if deleted and kind == "quote":
            count_like(subject.pk, -1)
    return subject
