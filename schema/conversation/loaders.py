"""Conversation loaders: like and comment counts, the viewer's likes, comments by id — batched,
each read as the viewer may see it (apps/conversation/visibility.py)."""

from collections import defaultdict

from django.db.models import Count

from apps.conversation.models import Comment, Like
from apps.conversation.visibility import comment_visible_q, counted_like_q
from apps.reading.models import Review
from apps.social.blocking import not_blocked_q
from booknest.internals.prepared import PreparedById
from schema.loaders import ByIdLoader, Loader


def _by_kind(keys):
    ids = defaultdict(set)
    for kind, pk in keys:
        ids[kind].add(pk)
    return ids


class LikeCountLoader(Loader[tuple[str, int], int]):
    """`likeCount` by (kind of subject, id): likes of readers blocked either way not counted."""

    def batch_load(self, keys):
        counts = {}
        for kind, ids in _by_kind(keys).items():
            rows = (
                Like.objects.filter(**{f"{kind}_id__in": ids})
                .filter(counted_like_q(self.context.user))
                .values(kind)
                .annotate(n=Count("id"))
                .values_list(kind, "n")
            )
            counts.update({(kind, pk): n for pk, n in rows})
        return [counts.get(key, 0) for key in keys]


class ViewerHasLikedLoader(Loader[tuple[str, int], bool]):
    """`viewerHasLiked` by (kind of subject, id)."""

    def batch_load(self, keys):
        viewer_id = self.context.viewer_id
        if viewer_id is None:
            return [False for _ in keys]
        liked = set()
        for kind, ids in _by_kind(keys).items():
            rows = Like.objects.filter(user_id=viewer_id, **{f"{kind}_id__in": ids})
            liked.update((kind, pk) for pk in rows.values_list(f"{kind}_id", flat=True))
        return [key in liked for key in keys]


class CommentCountLoader(Loader[tuple[str, int], int]):
    """`commentCount` by (kind of subject, id): replies included, comments of readers blocked
    either way left out."""

    def batch_load(self, keys):
        counts = {}
        for kind, ids in _by_kind(keys).items():
            rows = (
                Comment.objects.filter(**{f"{kind}_id__in": ids})
                .filter(not_blocked_q(self.context.user, owner="author"))
                .values(kind)
                .annotate(n=Count("id"))
                .values_list(kind, "n")
            )
            counts.update({(kind, pk): n for pk, n in rows})
        return [counts.get(key, 0) for key in keys]


class CommentByIdLoader(Loader[int, Comment | None]):
    """Comments the viewer may see, by id (None: absent)."""

    def batch_load(self, keys):
        found = Comment.objects.filter(comment_visible_q(self.context.user)).in_bulk(keys)
        return [found.get(key) for key in keys]


class ReviewByIdLoader(ByIdLoader[Review]):
    rows = PreparedById(Review)
