"""Mentions: `@username` in a comment or a review notifies that reader — only if they may see
the text, have no block with its author either way, and have not muted the author.

Usernames are 3–30 of `A-Z a-z 0-9 _ . -` (apps/accounts/services.py), matched regardless of
case; a trailing full stop ends a sentence, not the name ("thanks @ada."). An address such as
`ada@example.org` is not a mention. At most `MAX_MENTIONS` readers are notified per text.
"""

import re
from collections.abc import Callable, Iterable

from django.db.models.functions import Lower

from apps.accounts.models import User
from apps.notifications import types
from apps.notifications.services import notify
from apps.social.blocking import blocked_between
from apps.social.models import Mute

MENTION_RE = re.compile(r"(?<![A-Za-z0-9_.\-@])@([A-Za-z0-9_.\-]{3,30})")
MAX_MENTIONS = 20


def mentioned_usernames(text: str) -> list[str]:
    """The usernames mentioned in `text`, case-folded, in order, without repeats."""
    seen: dict[str, None] = {}
    for match in MENTION_RE.finditer(text or ""):
        name = match.group(1).rstrip(".").lower()
        if len(name) >= 3:
            seen.setdefault(name, None)
    return list(seen)


def may_reach(recipient_id: int, actor_id: int) -> bool:
    """Whether `actor`'s action may notify `recipient`: no block either way, and no mute of
    the actor by the recipient (a muted reader's comments, likes and mentions stay quiet)."""
    if recipient_id == actor_id:
        return False
    if blocked_between(recipient_id, actor_id):
        return False
    return not Mute.objects.filter(muter_id=recipient_id, muted_id=actor_id).exists()


def notify_mentions(
    author,
    text: str,
    *,
    target,
    can_see: Callable[[User], bool],
    data: dict,
    before: str = "",
    skip: Iterable[int] = (),
) -> list[int]:
    """Notify the readers `text` mentions (and `before`, the text's previous version, did not)
    who may see it; `skip`: readers already notified of this action. Returns their ids."""
    already = set(mentioned_usernames(before))
    names = [n for n in mentioned_usernames(text) if n not in already][:MAX_MENTIONS]
    if not names:
        return []
    skipped = set(skip)
    readers = User.objects.annotate(lowered=Lower("username")).filter(
        lowered__in=names, is_active=True
    )
    notified = []
    for reader in readers:
        if reader.pk in skipped or not may_reach(reader.pk, author.pk) or not can_see(reader):
            continue
        notify(reader, types.MENTIONED, actor=author, target=target, data=data)
        notified.append(reader.pk)
    return notified
