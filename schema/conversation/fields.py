"""The fields every likeable and commentable type has (a review, a reading list, an activity,
a comment), one set per kind of subject: `likeable("review")` and `commentable("review")` are
bases of `ReviewType`. Each field has its SQL form (compiled reads) and its loader (the
resolver path), so a page of twenty reviews with their counts, the viewer's likes and their
first comments costs the same few statements as a page of one."""

from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from apps.conversation.models import Comment, Like
from apps.conversation.visibility import counted_like_q
from apps.social.blocking import not_blocked_q
from schema.compiled.forms import Expr, sql
from schema.context import Info
from schema.conversation.loaders import CommentCountLoader, LikeCountLoader, ViewerHasLikedLoader
from schema.fields import connection
from schema.pagination import CursorConnection, partitioned

if TYPE_CHECKING:
    from schema.conversation.types import CommentType, LikeType

LikeRef = Annotated["LikeType", strawberry.lazy("schema.conversation.types")]
CommentRef = Annotated["CommentType", strawberry.lazy("schema.conversation.types")]


def _count(model, kind: str, condition) -> Coalesce:
    return Coalesce(
        Subquery(
            model.objects.filter(**{kind: OuterRef("pk")})
            .filter(condition)
            .values(kind)
            .annotate(n=Count("id"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def likeable(kind: str) -> type:
    """`likeCount`, `viewerHasLiked` and `likes` of one kind of subject (the Like's foreign key
    `kind`)."""

    @strawberry.type
    class Likeable:
        @sql(Expr(lambda viewer: _count(Like, kind, counted_like_q(viewer))))
        @strawberry_django.field(
            description="How many readers like this (readers with a block either way with "
            "the viewer not counted; readers whose profile is hidden counted, not listed)."
        )
        async def like_count(self, info: Info) -> int:
            return await info.context.loaders.get(LikeCountLoader).load((kind, self.pk))

        @sql(
            Expr(
                lambda viewer: Exists(
                    Like.objects.filter(user_id=viewer.pk, **{kind: OuterRef("pk")})
                )
            )
        )
        @strawberry_django.field(
            description="Whether the viewer likes this (false when anonymous)."
        )
        async def viewer_has_liked(self, info: Info) -> bool:
            return await info.context.loaders.get(ViewerHasLikedLoader).load((kind, self.pk))

        @connection(
            CursorConnection[LikeRef],
            description="Who likes this, most recent first: the readers whose profile the "
            "viewer may see (a private reader's like is counted in `likeCount` only).",
        )
        async def likes(self) -> QuerySet[Like]:
            return partitioned(Like.objects.all(), f"{kind}_id", self.pk).order_by(
                "-created_at", "-id"
            )

    Likeable.__name__ = f"Likeable{kind.title().replace('_', '')}"
    return Likeable


def commentable(kind: str) -> type:
    """`commentCount` and `comments` of one kind of subject (the Comment's foreign key `kind`)."""

    @strawberry.type
    class Commentable:
        @sql(Expr(lambda viewer: _count(Comment, kind, not_blocked_q(viewer, owner="author"))))
        @strawberry_django.field(
            description="How many comments and replies the viewer may see on this."
        )
        async def comment_count(self, info: Info) -> int:
            return await info.context.loaders.get(CommentCountLoader).load((kind, self.pk))

        @connection(
            CursorConnection[CommentRef],
            description="Comments on this, oldest first (replies are under each comment's "
            "`replies`); as visible as this is, without those of readers with a block either "
            "way with the viewer.",
        )
        async def comments(self) -> QuerySet[Comment]:
            return partitioned(
                Comment.objects.filter(reply_to__isnull=True), f"{kind}_id", self.pk
            ).order_by("created_at", "id")

    Commentable.__name__ = f"Commentable{kind.title().replace('_', '')}"
    return Commentable
