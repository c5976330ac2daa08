"""GraphQL types of conversation: comments and likes."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from django.db.models import Q, QuerySet
from strawberry import relay

from apps.accounts.models import User
from apps.conversation import models
from apps.conversation.visibility import comment_visible_q, like_visible_q
from apps.reading.models import ReadingList, Review
from schema.accounts.loaders import UserByIdLoader
from schema.compiled.forms import Expr, Rows, sql, when
from schema.context import Info
from schema.conversation.fields import likeable
from schema.conversation.loaders import CommentByIdLoader, ReviewByIdLoader
from schema.fields import PkId, connection, model_field
from schema.pagination import CursorConnection, partitioned
from schema.search.loaders import ReadingListByIdLoader

if TYPE_CHECKING:
    from schema.accounts.types import UserType
    from schema.reading.types import ReadingListType, ReviewType

UserRef = Annotated["UserType", strawberry.lazy("schema.accounts.types")]
ReviewRef = Annotated["ReviewType", strawberry.lazy("schema.reading.types")]
ReadingListRef = Annotated["ReadingListType", strawberry.lazy("schema.reading.types")]


@strawberry_django.type(models.Like, name="Like")
class LikeType(PkId, relay.Node):
    """A reader's like of a review, reading list, activity, comment or quote."""

    created_at: datetime = model_field(description="When they liked it.")

    @classmethod
    def get_queryset(cls, queryset, info: Info, **kwargs):
        # Listed when the viewer may see what is liked and the liker's profile.
        return queryset.filter(like_visible_q(info.context.user))

    @sql(Rows(lambda row, viewer: User.objects.filter(pk=row.user_id)))
    @strawberry_django.field(description="The reader who likes it.")
    async def user(self, info: Info) -> UserRef:
        return await info.context.loaders.get(UserByIdLoader).load(self.user_id)


@strawberry_django.type(models.Comment, name="Comment")
class CommentType(likeable("comment"), PkId, relay.Node):
    """A reader's comment on a review or reading list, or a reply to one. As visible as what
    it is on; absent for a viewer with a block either way with its author."""

    body: str = model_field(description="The text (`@username` mentions notify that reader).")
    created_at: datetime = model_field(description="When written.")
    updated_at: datetime = model_field(description="Last change.")
    edited_at: datetime | None = model_field(
        description="When the author last changed the text; null if never edited."
    )

    @classmethod
    def get_queryset(cls, queryset, info: Info, **kwargs):
        return queryset.filter(comment_visible_q(info.context.user))

    @sql(Expr(lambda viewer: when(Q(edited_at__isnull=False))))
    @strawberry.field(description="Whether the author changed the text after posting it.")
    def is_edited(self) -> bool:
        return self.edited_at is not None

    @sql(Expr(lambda viewer: when(Q(author_id=viewer.pk))))
    @strawberry.field(description="Whether the viewer may edit this comment (its author).")
    def can_edit(self, info: Info) -> bool:
        return info.context.viewer_id == self.author_id

    @sql(Rows(lambda row, viewer: User.objects.filter(pk=row.author_id)))
    @strawberry_django.field(description="Who wrote it.")
    async def author(self, info: Info) -> UserRef:
        return await info.context.loaders.get(UserByIdLoader).load(self.author_id)

    @sql(Rows(lambda row, viewer: Review.objects.filter(pk=row.review_id)))
    @strawberry_django.field(description="The review it is on, or null (on a reading list).")
    async def review(self, info: Info) -> ReviewRef | None:
        if self.review_id is None:
            return None
        return await info.context.loaders.get(ReviewByIdLoader).load(self.review_id)

    @sql(Rows(lambda row, viewer: ReadingList.objects.filter(pk=row.reading_list_id)))
    @strawberry_django.field(description="The reading list it is on, or null (on a review).")
    async def reading_list(self, info: Info) -> ReadingListRef | None:
        if self.reading_list_id is None:
            return None
        return await info.context.loaders.get(ReadingListByIdLoader).load(self.reading_list_id)

    @sql(Rows(lambda row, viewer: models.Comment.objects.filter(pk=row.reply_to_id)))
    @strawberry_django.field(
        description="The comment this replies to; null for a top-level comment (or when that "
        "comment is absent for the viewer)."
    )
    async def reply_to(
        self, info: Info
    ) -> Annotated["CommentType", strawberry.lazy("schema.conversation.types")] | None:
        if self.reply_to_id is None:
            return None
        return await info.context.loaders.get(CommentByIdLoader).load(self.reply_to_id)

    @connection(
        CursorConnection[Annotated["CommentType", strawberry.lazy("schema.conversation.types")]],
        description="Replies to this comment, oldest first (none to a reply: one level).",
    )
    async def replies(self) -> QuerySet[models.Comment]:
        return partitioned(models.Comment.objects.all(), "reply_to_id", self.pk).order_by(
            "created_at", "id"
        )
