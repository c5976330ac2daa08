"""Comments on reviews and reading lists, with one level of replies.

- Only what the reader may see can be commented on or replied to (NOT_FOUND otherwise: a
  block either way makes the other's review, list and comments absent).
- A reply to a reply joins the same thread: its `reply_to` is the thread's top-level comment,
  and the author of the comment answered is the one notified (`replied`).
- The subject's owner hears of new comments (`commented`), readers mentioned with `@username`
  who may see the comment hear of it (`mentioned`); nobody twice for one comment, nobody of
  their own comments, nobody of a reader they muted or have a block with.
- The author edits (`edited_at` is set); the author or the subject's owner deletes (replies go
  with their comment).
- A new comment on a public review is news of its book (`bookActivity`).
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.accounts.models import User
from apps.conversation.models import Comment
from apps.conversation.subjects import describe, owner_id, visible_subject
from apps.conversation.visibility import comment_visible_q
from apps.core.errors import Invalid, NotAllowed, NotFound
from apps.core.events import book_group, publish
from apps.core.models import Privacy
from apps.core.validation import clean_text
from apps.notifications import types
from apps.notifications.services import notify
from apps.social.mentions import may_reach, notify_mentions

BODY_MAX = 5000
COMMENTABLE = ("review", "reading_list")


def excerpt(text: str, length: int = 140) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def add_comment(user, kind: str, subject_pk: int, body: str, reply_to_pk: int | None = None):
    """`user` comments on a review or reading list, or replies to a comment on it."""
    if kind not in COMMENTABLE:
        raise Invalid("Only reviews and reading lists take comments.", field="subject_id")
    body = clean_text(body, field="body", max_length=BODY_MAX, required=True)
    with transaction.atomic():
        subject = visible_subject(user, kind, subject_pk, field="subject_id")
        parent = None
        if reply_to_pk is not None:
            parent = visible_comment(user, reply_to_pk, field="reply_to_id")
            if getattr(parent, f"{kind}_id") != subject.pk:
                raise Invalid("That comment is not on this subject.", field="reply_to_id")
            if parent.reply_to_id is not None:  # the thread's first comment must be visible too
                visible_comment(user, parent.reply_to_id, field="reply_to_id")
        comment = Comment.objects.create(
            author=user,
            body=body,
            reply_to_id=(parent.reply_to_id or parent.pk) if parent else None,
            **{kind: subject},
        )
        data = {"username": user.username, "subject": describe(kind), "excerpt": excerpt(body)}
        notified = {user.pk}
        if parent is not None and may_reach(parent.author_id, user.pk):
            notify(parent.author, types.REPLIED, actor=user, target=comment, data=data)
            notified.add(parent.author_id)
        owner = owner_id(kind, subject)
        if owner not in notified and may_reach(owner, user.pk):
            notify(
                User.objects.get(pk=owner), types.COMMENTED, actor=user, target=comment, data=data
            )
            notified.add(owner)
        notify_mentions(
            user, body, target=comment, can_see=_can_see(comment), data=data, skip=notified
        )
        if kind == "review" and subject.privacy == Privacy.PUBLIC:
            publish(book_group(subject.book_id), "comment_added", {"comment_id": comment.pk})
    return comment


def update_comment(user, pk: int, body: str) -> Comment:
    """The author changes their comment's text; it is marked edited when the text changed."""
    body = clean_text(body, field="body", max_length=BODY_MAX, required=True)
    with transaction.atomic():
        comment = visible_comment(user, pk, field="id", lock=True)
        if comment.author_id != user.pk:
            raise NotAllowed("Only its author may change a comment.", field="id")
        before = comment.body
        if body != before:
            comment.body = body
            comment.edited_at = timezone.now()
            comment.save(update_fields=["body", "edited_at", "updated_at"])
            kind = "review" if comment.review_id else "reading_list"
            data = {"username": user.username, "subject": describe(kind), "excerpt": excerpt(body)}
            notify_mentions(
                user, body, target=comment, can_see=_can_see(comment), data=data, before=before
            )
    return comment


def delete_comment(user, pk: int) -> int:
    """The author, or the owner of the review or list it is on, deletes a comment (and its
    replies). Returns its id."""
    with transaction.atomic():
        # The owner of a review or list may remove any comment on it, even one by a reader
        # they have since blocked (absent for them everywhere else).
        comment = visible_comment(user, pk, field="id", lock=True, on_own_subject=True)
        subject = comment.subject
        kind = "review" if comment.review_id else "reading_list"
        if user.pk not in (comment.author_id, owner_id(kind, subject)):
            raise NotAllowed(
                "Only its author or the owner of what it is on may delete a comment.", field="id"
            )
        comment.delete()
    return pk


def visible_comment(
    user, pk: int, *, field: str, lock: bool = False, on_own_subject: bool = False
) -> Comment:
    """The comment, if `user` may see it (or, with `on_own_subject`, it is on their review or
    list); NOT_FOUND on `field` otherwise."""
    condition = comment_visible_q(user)
    if on_own_subject:
        condition |= Q(review__user_id=user.pk) | Q(reading_list__owner_id=user.pk)
    rows = Comment.objects.filter(condition, pk=pk).select_related(
        "author", "review", "reading_list"
    )
    if lock:
        rows = rows.select_for_update(of=("self",))
    comment = rows.first()
    if comment is None:
        raise NotFound("No comment with this id.", field=field)
    return comment


def _can_see(comment: Comment):
    def can_see(reader) -> bool:
        return Comment.objects.filter(comment_visible_q(reader), pk=comment.pk).exists()

    return can_see
