"""Reviews: one per reader and book, each with its own privacy.

Only the author changes a review. Someone who may not see it gets NOT_FOUND (it is absent for
them); someone who may see it gets NOT_ALLOWED. Staff have no special rights over readers'
reviews: moderation would be its own feature, with its own audit trail.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from apps.core.errors import Conflict, NotAllowed, NotFound
from apps.core.events import book_group, publish
from apps.core.models import Privacy
from apps.core.validation import clean_text
from apps.reading.models import Review
from apps.reading.services._common import activity_privacy, check_privacy, get_book
from apps.social.activity import record_activity, remove_activities
from apps.social.mentions import notify_mentions
from apps.social.models import Activity, Verb
from apps.social.visibility import can_see

TITLE_MAX = 200
BODY_MAX = 50_000


def create_review(
    user,
    book_id: int,
    title: str = "",
    body: str = "",
    spoiler: bool = False,
    privacy: str = Privacy.PUBLIC,
) -> Review:
    """Write the reader's review of a book (CONFLICT when they already reviewed it)."""
    title = clean_text(title, field="title", max_length=TITLE_MAX)
    body = clean_text(body, field="body", max_length=BODY_MAX, required=True)
    privacy = check_privacy(privacy)
    with transaction.atomic():
        book = get_book(book_id)
        if Review.objects.filter(user=user, book=book).exists():
            raise Conflict("You have already reviewed this book.", field="book_id")
        try:
            with transaction.atomic():
                review = Review.objects.create(
                    user=user, book=book, title=title, body=body, spoiler=spoiler, privacy=privacy
                )
        except IntegrityError:  # the same reader, in a concurrent request
            raise Conflict("You have already reviewed this book.", field="book_id") from None
        shown_to = activity_privacy(user, privacy)
        record_activity(
            user, Verb.REVIEWED, review, book=book, privacy=shown_to, data={"spoiler": spoiler}
        )
        if shown_to == Privacy.PUBLIC:  # a book page's live stream (`bookActivity`) is public
            publish(book_group(book.pk), "review_added", {"review_id": review.pk})
        _mention(user, review)
    return review


def update_review(
    user,
    review_id: int,
    title: str | None = None,
    body: str | None = None,
    spoiler: bool | None = None,
    privacy: str | None = None,
) -> Review:
    """Change the given fields of the reader's own review (None leaves a field as it is)."""
    with transaction.atomic():
        review = own_review(user, review_id)
        before = f"{review.title}\n{review.body}"
        if title is not None:
            review.title = clean_text(title, field="title", max_length=TITLE_MAX)
        if body is not None:
            review.body = clean_text(body, field="body", max_length=BODY_MAX, required=True)
        if spoiler is not None:
            review.spoiler = spoiler
        if privacy is not None:
            review.privacy = check_privacy(privacy)
        review.save()
        # The feed entry follows the review: a review made private leaves no public trace.
        Activity.objects.filter(
            target_type=ContentType.objects.get_for_model(Review),
            target_id=review.pk,
            verb=Verb.REVIEWED,
        ).update(privacy=activity_privacy(user, review.privacy), data={"spoiler": review.spoiler})
        _mention(user, review, before=before)
    return review


def _mention(user, review: Review, *, before: str = "") -> None:
    """Readers newly mentioned (`@username`) in the review, who may see it, are notified."""
    notify_mentions(
        user,
        f"{review.title}\n{review.body}",
        target=review,
        can_see=lambda reader: can_see(reader, review.user_id, review.privacy),
        data={"username": user.username, "subject": "review", "excerpt": review.body[:140]},
        before=before,
    )


def delete_review(user, review_id: int) -> int:
    """Delete the reader's own review and its `reviewed` activity; returns the review's id."""
    with transaction.atomic():
        review = own_review(user, review_id)
        remove_activities(review, Verb.REVIEWED)
        review.delete()
    return review_id


def own_review(user, review_id: int, *, field: str = "id") -> Review:
    """The review, row-locked, if `user` wrote it; NOT_FOUND if they may not see it, else
    NOT_ALLOWED."""
    review = Review.objects.select_for_update().filter(pk=review_id).first()
    if review is None or not can_see(
        user, review.user_id, review.privacy, review.moderation_status
    ):
        raise NotFound("No review with this id.", field=field)
    if review.user_id != user.pk:
        raise NotAllowed("Only its author may change a review.", field=field)
    return review
