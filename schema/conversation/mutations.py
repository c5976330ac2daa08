"""Liking, unliking and commenting."""

from typing import Annotated

import strawberry
from django.conf import settings
from strawberry import relay

from apps.accounts import throttle
from apps.conversation import comments, likes
from apps.conversation.subjects import KINDS
from apps.core.errors import ErrorCode, NotFound
from schema.auth import require_user
from schema.context import Info
from schema.conversation.types import CommentType
from schema.errors import MutationError, Outcome, decode_id, run
from schema.impressions.types import QuoteType
from schema.reading.types import ReadingListType, ReviewType
from schema.social.types import ActivityType

LikeSubject = Annotated[
    ReviewType | ReadingListType | ActivityType | CommentType | QuoteType,
    strawberry.union("LikeSubject", description="What a reader may like."),
]


def _subject(global_id: relay.GlobalID, kinds=KINDS) -> tuple[str, int]:
    """(kind, id) of a subject's global id; NOT_FOUND on `subjectId` for any other id."""
    kind = kinds.get(global_id.type_name)
    if kind is None or not str(global_id.node_id).isdigit():
        raise NotFound("Nothing with this id.", field="subject_id")
    return kind, int(global_id.node_id)


def _like(user, subject_id):
    return likes.like(user, *_subject(subject_id))


def _unlike(user, subject_id):
    return likes.unlike(user, *_subject(subject_id))


def _add_comment(user, subject_id, body, reply_to_id):
    kind, pk = _subject(subject_id)
    reply_to = None
    if reply_to_id is not None:
        reply_to = decode_id(reply_to_id, "Comment", field="reply_to_id")
    return comments.add_comment(user, kind, pk, body, reply_to)


def _update_comment(user, comment_id, body):
    return comments.update_comment(user, decode_id(comment_id, "Comment", field="id"), body)


def _delete_comment(user, comment_id):
    pk = comments.delete_comment(user, decode_id(comment_id, "Comment", field="id"))
    return relay.GlobalID("Comment", str(pk))


SUBJECT_ID = Annotated[
    relay.GlobalID,
    strawberry.argument(
        description="Global id of a Review, ReadingList, Activity, Comment or Quote."
    ),
]
COMMENT_ID = Annotated[relay.GlobalID, strawberry.argument(description="The comment's id.")]


@strawberry.type(description="What the viewer now likes (or no longer likes), or why not.")
class LikePayload:
    subject: LikeSubject | None = strawberry.field(
        description="The review, list, activity, comment or quote; null on errors."
    )
    errors: list[MutationError] = strawberry.field(
        description="`NOT_FOUND` on `subjectId` when there is no such thing or the viewer may "
        "not see it (a block either way included)."
    )


@strawberry.type(description="The comment written or changed, or why not.")
class CommentPayload:
    comment: CommentType | None = strawberry.field(description="The comment; null on errors.")
    errors: list[MutationError] = strawberry.field(
        description="`NOT_FOUND` (absent for the viewer), `NOT_ALLOWED` (not the author), "
        "`INVALID`/`REQUIRED` on `body`, `RATE_LIMITED` (COMMENTS_PER_HOUR)."
    )


@strawberry.type(description="The id of the deleted comment, or why not.")
class DeleteCommentPayload:
    deleted_id: relay.GlobalID | None = strawberry.field(
        description="The deleted comment's id (its replies went with it); null on errors."
    )
    errors: list[MutationError] = strawberry.field(
        description="`NOT_FOUND` (absent for the viewer) or `NOT_ALLOWED` (neither its author "
        "nor the owner of what it is on)."
    )


async def _spend_comment(user) -> Outcome | None:
    """One comment of the reader's hourly allowance; the refusal as an outcome."""
    window = await throttle.spend(
        f"comments:user:{user.pk}", 1, limit=settings.COMMENTS_PER_HOUR, window=3600, fallback=True
    )
    if window.spent:
        return None
    message = (
        f"At most {settings.COMMENTS_PER_HOUR} comments an hour. Try again in "
        f"{window.retry_after()} s (at {window.reset_at()})."
    )
    return Outcome(errors=[MutationError(code=ErrorCode.RATE_LIMITED, field=None, message=message)])


@strawberry.type
class ConversationMutation:
    @strawberry.mutation(
        description="Like a review, reading list, activity, comment or quote the viewer may "
        "see. "
        "Idempotent. The first like notifies its owner (kind `liked`). Requires login."
    )
    async def like(self, info: Info, subject_id: SUBJECT_ID) -> LikePayload:
        outcome = await run(_like, require_user(info), subject_id)
        return LikePayload(subject=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description="Take back a like. Idempotent: unliking what the viewer does not like "
        "changes nothing. Requires login."
    )
    async def unlike(self, info: Info, subject_id: SUBJECT_ID) -> LikePayload:
        outcome = await run(_unlike, require_user(info), subject_id)
        return LikePayload(subject=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description="Comment on a review or reading list the viewer may see, or reply to a "
        "comment on it (`replyToId`; a reply to a reply joins the same thread: one level). "
        "Notifies the owner (`commented`), the author replied to (`replied`) and the readers "
        "mentioned as `@username` who may see it (`mentioned`). At most COMMENTS_PER_HOUR a "
        "reader. Requires login."
    )
    async def add_comment(
        self,
        info: Info,
        subject_id: Annotated[
            relay.GlobalID,
            strawberry.argument(description="Global id of a Review or ReadingList."),
        ],
        body: Annotated[str, strawberry.argument(description="The text, 1–5000 characters.")],
        reply_to_id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(description="The comment (on the same subject) answered."),
        ] = None,
    ) -> CommentPayload:
        user = require_user(info)
        refused = await _spend_comment(user)
        if refused is None:
            outcome = await run(_add_comment, user, subject_id, body, reply_to_id)
            if not outcome.ok:  # only comments posted count
                await throttle.refund(f"comments:user:{user.pk}")
        else:
            outcome = refused
        return CommentPayload(comment=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description="Change the text of the viewer's own comment; it shows as edited "
        "(`editedAt`). Readers newly mentioned are notified. Requires login."
    )
    async def update_comment(
        self,
        info: Info,
        id: COMMENT_ID,
        body: Annotated[str, strawberry.argument(description="The new text, 1–5000 characters.")],
    ) -> CommentPayload:
        outcome = await run(_update_comment, require_user(info), id, body)
        return CommentPayload(comment=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description="Delete a comment (and its replies): its author may, and so may the owner "
        "of the review or list it is on. Requires login."
    )
    async def delete_comment(self, info: Info, id: COMMENT_ID) -> DeleteCommentPayload:
        outcome = await run(_delete_comment, require_user(info), id)
        return DeleteCommentPayload(deleted_id=outcome.value, errors=outcome.errors)
