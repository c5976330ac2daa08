"""Review services: one per reader and book, text checks, ownership and feed activity."""

import pytest

from apps.core.errors import ErrorCode, ServiceError
from apps.core.models import Privacy
from apps.reading.models import Review
from apps.reading.services import create_review, delete_review, update_review
from apps.social.models import Activity, Verb
from tests.factories import (
    make_book,
    make_follow,
    make_profile,
    make_review,
    make_superuser,
    make_user,
)

pytestmark = pytest.mark.django_db


def error_of(call, *args, **kwargs):
    with pytest.raises(ServiceError) as info:
        call(*args, **kwargs)
    error = info.value.errors[0]
    return error.code, error.field


def test_create_review_trims_text_and_records_reviewed_with_its_privacy():
    user, book = make_user(), make_book()
    review = create_review(
        user, book.pk, title="  Great ", body=" Loved it. ", spoiler=True, privacy="followers"
    )
    assert (review.title, review.body, review.spoiler, review.privacy) == (
        "Great",
        "Loved it.",
        True,
        Privacy.FOLLOWERS,
    )
    activity = Activity.objects.get(actor=user)
    assert (activity.verb, activity.target, activity.book, activity.privacy) == (
        Verb.REVIEWED,
        review,
        book,
        Privacy.FOLLOWERS,
    )


def test_reviewed_activity_is_never_more_open_than_the_profile():
    user = make_user()
    make_profile(user, privacy=Privacy.PRIVATE)
    create_review(user, make_book().pk, body="Mine.", privacy="public")
    assert Activity.objects.get(actor=user).privacy == Privacy.PRIVATE


def test_a_second_review_of_the_same_book_is_a_conflict():
    user, book = make_user(), make_book()
    create_review(user, book.pk, body="First.")
    assert error_of(create_review, user, book.pk, body="Second.") == (
        ErrorCode.CONFLICT,
        "book_id",
    )
    assert Review.objects.count() == 1
    assert Activity.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"body": ""}, (ErrorCode.REQUIRED, "body")),
        ({"body": "   "}, (ErrorCode.REQUIRED, "body")),
        ({"body": "x" * 50_001}, (ErrorCode.INVALID, "body")),
        ({"body": "nul \x00 byte"}, (ErrorCode.INVALID, "body")),
        ({"body": "ok", "title": "t" * 201}, (ErrorCode.INVALID, "title")),
        ({"body": "ok", "title": "\x00"}, (ErrorCode.INVALID, "title")),
        ({"body": "ok", "privacy": "friends"}, (ErrorCode.INVALID, "privacy")),
    ],
)
def test_bad_review_text_is_refused_and_leaves_nothing(kwargs, expected):
    assert error_of(create_review, make_user(), make_book().pk, **kwargs) == expected
    assert not Review.objects.exists()
    assert not Activity.objects.exists()


def test_a_body_of_exactly_50000_characters_is_accepted():
    review = create_review(make_user(), make_book().pk, body="x" * 50_000)
    assert len(review.body) == 50_000


def test_reviewing_an_unknown_book_is_not_found():
    assert error_of(create_review, make_user(), 999_999, body="?") == (
        ErrorCode.NOT_FOUND,
        "book_id",
    )


def test_update_changes_only_the_given_fields_and_the_activity_follows_privacy():
    user = make_user()
    review = create_review(user, make_book().pk, title="T", body="B")
    updated = update_review(user, review.pk, body="New body", privacy="private")
    assert (updated.title, updated.body, updated.privacy) == ("T", "New body", Privacy.PRIVATE)
    assert Activity.objects.get(actor=user).privacy == Privacy.PRIVATE
    updated = update_review(user, review.pk, title="", spoiler=True)
    assert (updated.title, updated.spoiler) == ("", True)


def test_update_refuses_an_empty_body():
    user = make_user()
    review = create_review(user, make_book().pk, body="B")
    assert error_of(update_review, user, review.pk, body=" ") == (ErrorCode.REQUIRED, "body")
    assert Review.objects.get().body == "B"


def test_delete_removes_the_review_and_its_activity():
    user = make_user()
    review = create_review(user, make_book().pk, body="B")
    assert delete_review(user, review.pk) == review.pk
    assert not Review.objects.exists()
    assert not Activity.objects.exists()


@pytest.mark.parametrize("call", [update_review, delete_review])
def test_others_cannot_change_a_review_they_see_nor_find_one_they_cannot(call):
    author, stranger, follower, staff = make_user(), make_user(), make_user(), make_superuser()
    make_follow(follower, author)
    public = make_review(author, privacy=Privacy.PUBLIC)
    followers_only = make_review(author, privacy=Privacy.FOLLOWERS)
    private = make_review(author, privacy=Privacy.PRIVATE)
    kwargs = {"body": "hijacked"} if call is update_review else {}
    for intruder in (stranger, follower, staff):
        assert error_of(call, intruder, public.pk, **kwargs) == (ErrorCode.NOT_ALLOWED, "id")
        assert error_of(call, intruder, private.pk, **kwargs) == (ErrorCode.NOT_FOUND, "id")
    assert error_of(call, follower, followers_only.pk, **kwargs) == (ErrorCode.NOT_ALLOWED, "id")
    assert error_of(call, stranger, followers_only.pk, **kwargs) == (ErrorCode.NOT_FOUND, "id")
    assert error_of(call, stranger, 999_999, **kwargs) == (ErrorCode.NOT_FOUND, "id")
    assert Review.objects.filter(user=author).exclude(body="hijacked").count() == 3
