"""follow / unfollow: idempotent, with an activity and a notification on the first follow."""

from unittest import mock

import pytest
from django.contrib.contenttypes.models import ContentType
from strawberry.relay import to_base64

from apps.accounts.models import User
from apps.notifications.models import Notification
from apps.social.models import Activity, Follow, Verb
from apps.social.services import follow
from tests.factories import make_book, make_follow, make_profile, make_superuser, make_user
from tests.schema.accounts.helpers import error_codes

pytestmark = pytest.mark.django_db

FOLLOW = """
mutation($id: ID!) {
  follow(userId: $id) {
    user { username isFollowedByViewer followersCount }
    errors { code field message }
  }
}
"""
UNFOLLOW = """
mutation($id: ID!) {
  unfollow(userId: $id) {
    user { username isFollowedByViewer followersCount }
    errors { code field message }
  }
}
"""


def uid(user) -> str:
    return to_base64("User", user.pk)


def errors(payload: dict) -> list[tuple[str, str]]:
    return [(error["code"], error["field"]) for error in payload["errors"]]


@pytest.fixture
def ada():
    return make_user("ada")


@pytest.fixture
def bob():
    return make_user("bob")


def followed_activities(actor) -> list[Activity]:
    return list(Activity.objects.filter(actor=actor, verb=Verb.FOLLOWED))


def test_follow_records_an_activity_and_notifies_the_followee(gql, ada, bob):
    gql.login(ada)

    payload = gql(FOLLOW, {"id": uid(bob)})["data"]["follow"]

    assert payload == {
        "user": {"username": "bob", "isFollowedByViewer": True, "followersCount": 1},
        "errors": [],
    }
    assert Follow.objects.filter(follower=ada, followee=bob).exists()
    [activity] = followed_activities(ada)
    assert activity.target == bob and activity.privacy == "public" and activity.book is None
    [notification] = Notification.objects.filter(recipient=bob)
    assert notification.type.key == "new_follower"
    assert notification.actor == ada and notification.target == ada
    assert notification.data == {"username": "ada"}
    assert not Notification.objects.filter(recipient=ada).exists()


def test_following_twice_changes_nothing(gql, ada, bob):
    gql.login(ada)

    gql(FOLLOW, {"id": uid(bob)})
    payload = gql(FOLLOW, {"id": uid(bob)})["data"]["follow"]

    assert payload["errors"] == [] and payload["user"]["followersCount"] == 1
    assert Follow.objects.count() == 1
    assert len(followed_activities(ada)) == 1
    assert Notification.objects.filter(recipient=bob).count() == 1


def test_a_private_profile_can_be_followed(gql, ada, bob):
    make_profile(bob, privacy="private")
    gql.login(ada)

    assert gql(FOLLOW, {"id": uid(bob)})["data"]["follow"]["errors"] == []
    assert Follow.objects.filter(follower=ada, followee=bob).exists()


def test_the_follow_activity_is_as_private_as_the_followers_profile(gql, ada, bob):
    make_profile(ada, privacy="followers")
    gql.login(ada)

    gql(FOLLOW, {"id": uid(bob)})

    assert followed_activities(ada)[0].privacy == "followers"


def test_no_notification_when_the_followee_opted_out(gql, ada, bob):
    gql.login(bob)
    gql(
        'mutation { updateNotificationPreferences(input: [{kind: "new_follower", inApp: false}])'
        " { errors { code } } }"
    )
    gql.login(ada)

    gql(FOLLOW, {"id": uid(bob)})

    assert Follow.objects.filter(follower=ada, followee=bob).exists()
    assert len(followed_activities(ada)) == 1
    assert not Notification.objects.filter(recipient=bob).exists()


def test_a_rolled_back_follow_leaves_no_activity_or_notification(ada, bob):
    with (
        mock.patch("apps.social.services.notify", side_effect=RuntimeError("mail server down")),
        pytest.raises(RuntimeError),
    ):
        follow(ada, bob.pk)

    assert not Follow.objects.exists()
    assert not Activity.objects.exists()
    assert not Notification.objects.exists()


def test_follow_refuses_yourself(gql, ada):
    gql.login(ada)

    payload = gql(FOLLOW, {"id": uid(ada)})["data"]["follow"]

    assert errors(payload) == [("INVALID", "userId")] and payload["user"] is None
    assert not Follow.objects.exists()


@pytest.mark.parametrize("target", ["missing", "book", "inactive", "garbage"])
def test_follow_refuses_unknown_users(gql, ada, target):
    ids = {
        "missing": lambda: to_base64("User", 999999),
        "book": lambda: to_base64("Book", make_book().pk),
        "inactive": lambda: uid(make_user(is_active=False)),
        "garbage": lambda: to_base64("User", "abc"),
    }
    gql.login(ada)

    payload = gql(FOLLOW, {"id": ids[target]()})["data"]["follow"]

    assert errors(payload) == [("NOT_FOUND", "userId")] and payload["user"] is None
    assert not Follow.objects.exists()


def test_follow_needs_login(gql, bob):
    result = gql(FOLLOW, {"id": uid(bob)})

    assert error_codes(result) == ["UNAUTHENTICATED"]
    assert not Follow.objects.exists()


def test_staff_follow_on_their_own_behalf(gql, ada, bob):
    staff = make_superuser("staff")
    gql.login(staff)

    gql(FOLLOW, {"id": uid(bob)})

    assert list(Follow.objects.values_list("follower__username", "followee__username")) == [
        ("staff", "bob")
    ]


def test_unfollow_removes_the_follow_and_its_activity(gql, ada, bob):
    carol = make_user("carol")
    gql.login(ada)
    gql(FOLLOW, {"id": uid(bob)})
    gql.login(carol)
    gql(FOLLOW, {"id": uid(bob)})
    gql.login(ada)

    payload = gql(UNFOLLOW, {"id": uid(bob)})["data"]["unfollow"]

    assert payload == {
        "user": {"username": "bob", "isFollowedByViewer": False, "followersCount": 1},
        "errors": [],
    }
    assert not Follow.objects.filter(follower=ada).exists()
    assert followed_activities(ada) == []
    assert len(followed_activities(carol)) == 1  # someone else's follow of bob stays
    assert Notification.objects.filter(recipient=bob).count() == 2  # history stays


def test_unfollowing_someone_not_followed_changes_nothing(gql, ada, bob):
    other = make_follow(make_user(), bob)
    gql.login(ada)

    payload = gql(UNFOLLOW, {"id": uid(bob)})["data"]["unfollow"]

    assert payload["errors"] == [] and payload["user"]["username"] == "bob"
    assert list(Follow.objects.all()) == [other]


def test_unfollow_only_ends_the_viewers_own_follow(gql, ada, bob):
    """Another user (or staff) unfollowing bob does not touch ada's follow."""
    make_follow(ada, bob)
    for someone in (make_user("mallory"), make_superuser("staff")):
        gql.login(someone)
        assert gql(UNFOLLOW, {"id": uid(bob)})["data"]["unfollow"]["errors"] == []

    assert Follow.objects.filter(follower=ada, followee=bob).exists()


def test_unfollow_refuses_unknown_users(gql, ada):
    gql.login(ada)

    payload = gql(UNFOLLOW, {"id": to_base64("User", 999999)})["data"]["unfollow"]

    assert errors(payload) == [("NOT_FOUND", "userId")]


def test_unfollow_needs_login(gql, ada, bob):
    make_follow(ada, bob)

    assert error_codes(gql(UNFOLLOW, {"id": uid(bob)})) == ["UNAUTHENTICATED"]
    assert Follow.objects.count() == 1


def test_the_follow_activity_targets_the_followee(gql, ada, bob):
    gql.login(ada)
    gql(FOLLOW, {"id": uid(bob)})

    activity = followed_activities(ada)[0]

    assert activity.target_type == ContentType.objects.get_for_model(User)
    assert activity.target_id == bob.pk
