"""Liking reviews, lists, activities and comments: idempotent, only what one may see, counted
and listed as the likers' privacy and blocks say, notifying the owner as they chose."""

import pytest
from django.core import mail

from apps.conversation.models import Comment, Like
from apps.core.models import Privacy
from apps.notifications.models import Notification
from tests.factories import (
    make_activity,
    make_follow,
    make_notification_preference,
    make_profile,
    make_reading_list,
    make_review,
    make_user,
)
from tests.schema.conversation.helpers import LIKE, REVIEW, UNLIKE, block, codes, mute
from tests.schema.reading.helpers import gid

pytestmark = pytest.mark.django_db


def liked(user, kind="liked"):
    return Notification.objects.filter(recipient=user, type__key=kind)


def test_like_and_unlike_are_idempotent_and_counted(gql):
    owner, ada = make_user("owner"), make_user("ada")
    review = make_review(owner)
    gql.login(ada)

    for _ in range(2):
        result = gql(LIKE, {"s": gid(review)})
        assert codes(result, "like") == []
        assert result["data"]["like"]["subject"] == {"likeCount": 1, "viewerHasLiked": True}
    assert Like.objects.filter(review=review).count() == 1
    assert liked(owner).count() == 1  # the first like only

    for _ in range(2):
        result = gql(UNLIKE, {"s": gid(review)})
        assert result["data"]["unlike"] == {
            "subject": {"likeCount": 0, "viewerHasLiked": False},
            "errors": [],
        }
    assert not Like.objects.exists()


@pytest.mark.parametrize("kind", ["review", "list", "activity", "comment"])
def test_every_kind_of_subject_can_be_liked(gql, kind):
    owner, ada = make_user("owner"), make_user("ada")
    review = make_review(owner)
    subject = {
        "review": review,
        "list": make_reading_list(owner),
        "activity": make_activity(owner, target=review),
        "comment": Comment.objects.create(author=owner, review=review, body="Hi"),
    }[kind]
    result = gql.login(ada)(LIKE, {"s": gid(subject)})
    assert result["data"]["like"]["subject"] == {"likeCount": 1, "viewerHasLiked": True}
    notification = liked(owner).get()
    assert notification.actor == ada and notification.target == subject


def test_what_one_may_not_see_cannot_be_liked(gql):
    owner, ada = make_user("owner"), make_user("ada")
    private = make_review(owner, privacy=Privacy.PRIVATE)
    followers = make_reading_list(owner, privacy=Privacy.FOLLOWERS)
    gql.login(ada)
    for subject in (private, followers):
        assert codes(gql(LIKE, {"s": gid(subject)}), "like") == [("NOT_FOUND", "subjectId")]
    assert codes(gql(LIKE, {"s": gid("Book", 1)}), "like") == [("NOT_FOUND", "subjectId")]
    make_follow(ada, owner)
    assert codes(gql(LIKE, {"s": gid(followers)}), "like") == []
    assert Like.objects.count() == 1


def test_liking_needs_a_login(gql):
    result = gql(LIKE, {"s": gid(make_review())})
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("direction", ["owner blocked ada", "ada blocked owner"])
def test_neither_side_of_a_block_can_like_the_other(gql, direction):
    owner, ada = make_user("owner"), make_user("ada")
    review = make_review(owner)
    if direction == "owner blocked ada":
        block(owner, ada)
    else:
        block(ada, owner)
    assert codes(gql.login(ada)(LIKE, {"s": gid(review)}), "like") == [("NOT_FOUND", "subjectId")]
    assert codes(gql.login(owner)(LIKE, {"s": gid(make_review(ada))}), "like") == [
        ("NOT_FOUND", "subjectId")
    ]
    assert not Like.objects.exists()


def test_likes_list_likers_the_viewer_may_see_and_count_all_but_blocked_ones(gql):
    owner, viewer = make_user("owner"), make_user("viewer")
    review = make_review(owner)
    public, private, blocker = make_user("public"), make_user("private"), make_user("blocker")
    make_profile(private, privacy=Privacy.PRIVATE)
    for liker in (public, private, blocker):
        Like.objects.create(user=liker, review=review)
    block(blocker, viewer)

    data = gql.login(viewer)(REVIEW, {"id": gid(review)})["data"]["node"]
    assert data["likeCount"] == 2  # the private liker counts; the blocker is absent
    assert data["likes"]["totalCount"] == 1
    assert [e["node"]["user"]["username"] for e in data["likes"]["edges"]] == ["public"]
    # The private liker sees their own like; the owner is not blocked by anyone.
    data = gql.login(owner)(REVIEW, {"id": gid(review)})["data"]["node"]
    assert data["likeCount"] == 3
    assert {e["node"]["user"]["username"] for e in data["likes"]["edges"]} == {"public", "blocker"}


def test_a_muted_likers_like_does_not_notify(gql):
    owner, ada = make_user("owner"), make_user("ada")
    mute(owner, ada)
    gql.login(ada)(LIKE, {"s": gid(make_review(owner))})
    assert Like.objects.count() == 1
    assert not liked(owner).exists()


def test_likes_of_ones_own_things_notify_nobody(gql):
    owner = make_user("owner")
    gql.login(owner)(LIKE, {"s": gid(make_review(owner))})
    assert Like.objects.count() == 1 and not Notification.objects.exists()


def test_liked_is_emailed_when_the_owner_asks_for_it(gql, django_capture_on_commit_callbacks):
    owner, ada = make_user("owner", email="owner@example.org"), make_user("ada")
    owner.email_verified_at = owner.date_joined
    owner.save()
    from apps.notifications.models import NotificationType

    make_notification_preference(
        owner, type=NotificationType.objects.get(key="liked"), in_app=False, email=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        gql.login(ada)(LIKE, {"s": gid(make_review(owner))})
    assert not liked(owner).exists()  # not in the app, as chosen
    assert [m.to for m in mail.outbox] == [["owner@example.org"]]
    assert "ada liked your review" in mail.outbox[0].body
