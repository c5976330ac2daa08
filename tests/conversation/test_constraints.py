"""The database refuses comments and likes that break a rule, whatever code path writes them."""

import pytest
from django.db import IntegrityError, transaction

from apps.conversation.models import Comment, Like
from apps.impressions.models import Quote
from tests.factories import (
    make_activity,
    make_book,
    make_comment,
    make_reading_list,
    make_review,
    make_user,
)

pytestmark = pytest.mark.django_db


def test_a_comment_is_on_exactly_one_subject():
    ada, review, reading_list = make_user(), make_review(), make_reading_list()
    with pytest.raises(IntegrityError, match="comment_one_subject"), transaction.atomic():
        Comment.objects.create(author=ada, body="x")
    with pytest.raises(IntegrityError, match="comment_one_subject"), transaction.atomic():
        Comment.objects.create(author=ada, review=review, reading_list=reading_list, body="x")
    comment = make_comment(ada, review)
    with pytest.raises(IntegrityError, match="comment_one_subject"), transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(reading_list=reading_list)


def test_a_comment_has_a_body():
    with pytest.raises(IntegrityError, match="comment_body_not_empty"), transaction.atomic():
        Comment.objects.create(author=make_user(), review=make_review(), body="")


def test_a_like_is_of_exactly_one_subject():
    ada, review, activity = make_user(), make_review(), make_activity()
    with pytest.raises(IntegrityError, match="like_one_subject"), transaction.atomic():
        Like.objects.create(user=ada)
    with pytest.raises(IntegrityError, match="like_one_subject"), transaction.atomic():
        Like.objects.create(user=ada, review=review, activity=activity)


@pytest.mark.parametrize("kind", ["review", "reading_list", "activity", "comment", "quote"])
def test_a_reader_likes_a_thing_once(kind):
    ada = make_user()
    subject = {
        "review": make_review,
        "reading_list": make_reading_list,
        "activity": make_activity,
        "comment": make_comment,
        "quote": lambda: Quote.objects.create(user=make_user(), book=make_book(), text="x"),
    }[kind]()
    Like.objects.create(user=ada, **{kind: subject})
    Like.objects.create(user=make_user(), **{kind: subject})  # others may like it too
    # PostgreSQL names the constraint; SQLite names its columns.
    refusal = f"like_once_per_{kind}|conversation_like.user_id, conversation_like.{kind}_id"
    with pytest.raises(IntegrityError, match=refusal), transaction.atomic():
        Like.objects.create(user=ada, **{kind: subject})
