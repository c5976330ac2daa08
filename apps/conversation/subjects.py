"""Finding what a reader likes or comments on, as far as they may see it (absent otherwise)."""

from apps.conversation.models import Comment
from apps.conversation.visibility import comment_visible_q
from apps.core.errors import NotFound
from apps.impressions.models import Quote
from apps.impressions.quotes import quote_visible_q
from apps.reading.models import ReadingList, Review
from apps.social.models import Activity
from apps.social.visibility import visible_q

# GraphQL type name → the Like's (and Comment's) foreign key to that kind of subject
KINDS = {
    "Review": "review",
    "ReadingList": "reading_list",
    "Activity": "activity",
    "Comment": "comment",
    "Quote": "quote",
}


def visible_rows(kind: str, viewer):
    """The rows of one kind of subject that `viewer` may see."""
    if kind == "review":
        return Review.objects.filter(visible_q(viewer))
    if kind == "reading_list":
        return ReadingList.objects.filter(visible_q(viewer, owner="owner"))
    if kind == "activity":
        return Activity.objects.filter(visible_q(viewer, owner="actor", moderated=False))
    if kind == "quote":
        return Quote.objects.filter(quote_visible_q(viewer))
    return Comment.objects.filter(comment_visible_q(viewer))


def visible_subject(viewer, kind: str, pk: int, *, field: str):
    """The subject, if `viewer` may see it; NOT_FOUND on `field` otherwise (a block either way
    makes the other's things absent, exactly as private ones are)."""
    subject = visible_rows(kind, viewer).filter(pk=pk).first()
    if subject is None:
        raise NotFound("Nothing with this id.", field=field)
    return subject


def owner_id(kind: str, subject) -> int:
    """The reader whose subject it is (who hears of its likes and comments)."""
    return {
        "review": lambda s: s.user_id,
        "reading_list": lambda s: s.owner_id,
        "activity": lambda s: s.actor_id,
        "comment": lambda s: s.author_id,
        "quote": lambda s: s.user_id,
    }[kind](subject)


def describe(kind: str) -> str:
    """How a notification names the subject: "review", "reading list" …"""
    return {"reading_list": "reading list"}.get(kind, kind)
