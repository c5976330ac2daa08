"""Comments and likes. Each names its subject with one foreign key per kind of subject (exactly
one set), so who may see a comment or like is a plain join on its subject's own rule."""

import operator
from functools import reduce

from django.conf import settings
from django.db import models
from django.db.models import Q


class Comment(models.Model):
    """A reader's comment on a review or a reading list, or a reply to such a comment (one
    level: a reply's `reply_to` is a top-level comment of the same subject)."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    review = models.ForeignKey(
        "reading.Review", null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    reading_list = models.ForeignKey(
        "reading.ReadingList",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
    )
    reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set when the author changes the body (not on creation): clients show "edited".
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["review", "created_at", "id"], name="comment_review"),
            models.Index(fields=["reading_list", "created_at", "id"], name="comment_list"),
            models.Index(fields=["reply_to", "created_at", "id"], name="comment_reply_to"),
            models.Index(fields=["author", "-created_at"], name="comment_author"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(review__isnull=False, reading_list__isnull=True)
                | Q(review__isnull=True, reading_list__isnull=False),
                name="comment_one_subject",
            ),
            models.CheckConstraint(condition=~Q(body=""), name="comment_body_not_empty"),
        ]

    def __str__(self) -> str:
        return f"comment {self.pk} by {self.author_id}"

    @property
    def subject(self):
        return self.review if self.review_id is not None else self.reading_list


# The kinds of thing a reader may like, as the Like's foreign key names them.
LIKE_SUBJECTS = ("review", "reading_list", "activity", "comment", "quote")


def _exactly_one(kinds) -> Q:
    """Exactly one of the foreign keys `kinds` is set."""
    return reduce(
        operator.or_,
        (
            Q(**{f"{kind}__isnull": False}, **{other: None for other in kinds if other != kind})
            for kind in kinds
        ),
    )


class Like(models.Model):
    """A reader likes a review, reading list, activity, comment or quote (once each)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    review = models.ForeignKey(
        "reading.Review", null=True, blank=True, on_delete=models.CASCADE, related_name="likes"
    )
    reading_list = models.ForeignKey(
        "reading.ReadingList",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="likes",
    )
    activity = models.ForeignKey(
        "social.Activity", null=True, blank=True, on_delete=models.CASCADE, related_name="likes"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="likes"
    )
    quote = models.ForeignKey(
        "impressions.Quote", null=True, blank=True, on_delete=models.CASCADE, related_name="likes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=[f"{kind}", "-created_at", "-id"], name=f"like_{kind}")
            for kind in LIKE_SUBJECTS
        ]
        constraints = [
            models.CheckConstraint(condition=_exactly_one(LIKE_SUBJECTS), name="like_one_subject"),
            *[
                models.UniqueConstraint(
                    fields=["user", kind],
                    condition=Q(**{f"{kind}__isnull": False}),
                    name=f"like_once_per_{kind}",
                )
                for kind in LIKE_SUBJECTS
            ],
        ]

    def __str__(self) -> str:
        return f"like {self.pk} by {self.user_id}"
