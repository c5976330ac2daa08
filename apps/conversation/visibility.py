"""Who may see comments and likes: the one statement of it, used by both read paths and by the
services.

- A comment is as visible as its subject (the review's or list's own privacy), and absent for a
  viewer with a block either way with its author.
- A like is listed when its subject is visible and the liker's profile lets the viewer see
  their reading (`profile_visible_q`: which already leaves out readers blocked either way).
- `likeCount` counts every like of the subject except those of readers blocked either way with
  the viewer: a private liker is counted but not listed.
"""

from django.db.models import Q

from apps.impressions.quotes import quote_visible_q
from apps.reading.selectors import profile_visible_q
from apps.social.blocking import not_blocked_q
from apps.social.visibility import visible_q


def comment_subject_visible_q(viewer, prefix: str = "") -> Q:
    """Rows (comments, or `prefix`-ed relations to them) whose review or list `viewer` may see."""
    review = Q(**{f"{prefix}review__isnull": False}) & visible_q(
        viewer, owner=f"{prefix}review__user", privacy=f"{prefix}review__privacy"
    )
    reading_list = Q(**{f"{prefix}reading_list__isnull": False}) & visible_q(
        viewer, owner=f"{prefix}reading_list__owner", privacy=f"{prefix}reading_list__privacy"
    )
    return review | reading_list


def comment_visible_q(viewer, prefix: str = "") -> Q:
    """Comments `viewer` may see: their subject is visible, their author not blocked."""
    return comment_subject_visible_q(viewer, prefix) & not_blocked_q(
        viewer, owner=f"{prefix}author"
    )


def like_subject_visible_q(viewer) -> Q:
    """Likes whose subject `viewer` may see."""
    return (
        (
            Q(review__isnull=False)
            & visible_q(viewer, owner="review__user", privacy="review__privacy")
        )
        | (
            Q(reading_list__isnull=False)
            & visible_q(viewer, owner="reading_list__owner", privacy="reading_list__privacy")
        )
        | (
            Q(activity__isnull=False)
            & visible_q(
                viewer, owner="activity__actor", privacy="activity__privacy", moderated=False
            )
        )
        | (Q(comment__isnull=False) & comment_visible_q(viewer, prefix="comment__"))
        | (Q(quote__isnull=False) & quote_visible_q(viewer, prefix="quote__"))
    )


def like_visible_q(viewer) -> Q:
    """Likes `viewer` may see listed: the subject visible, the liker's profile visible."""
    return like_subject_visible_q(viewer) & profile_visible_q(viewer, owner="user")


def counted_like_q(viewer) -> Q:
    """Likes counted in `likeCount` for `viewer`: all but those of readers blocked either way."""
    return not_blocked_q(viewer, owner="user")
