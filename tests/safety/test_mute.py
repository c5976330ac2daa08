"""Muting: the muted reader leaves the muter's feed and notifications, and notices nothing."""

import pytest
from strawberry.relay import to_base64

from apps.notifications.models import Notification
from apps.social.models import Mute
from apps.social.services import follow
from tests.factories import make_activity, make_book, make_follow, make_review, make_user

pytestmark = pytest.mark.django_db

MUTE = (
    """mutation($id: ID!) { muteUser(userId: $id) { user { username } errors { code field } } }"""
)
UNMUTE = """mutation($id: ID!) { unmuteUser(userId: $id) { user { username } errors { code } } }"""
FEED = "{ feed(first: 10) { edges { node { actor { username } } } } }"


def feed_actors(gql) -> list[str]:
    return [e["node"]["actor"]["username"] for e in gql(FEED)["data"]["feed"]["edges"]]


def test_mute_user_takes_the_muted_reader_out_of_the_feed_only(gql):
    ada, bob, carol = make_user("ada"), make_user("bob"), make_user("carol")
    make_follow(ada, bob)
    make_follow(ada, carol)
    book = make_book()
    make_activity(bob, target=book)
    make_activity(carol, target=book)
    review = make_review(bob, book)
    gql.login(ada)
    assert sorted(feed_actors(gql)) == ["bob", "carol"]
    for _ in range(2):  # idempotent
        result = gql(MUTE, {"id": to_base64("User", bob.pk)})["data"]["muteUser"]
        assert result == {"user": {"username": "bob"}, "errors": []}
    assert Mute.objects.filter(muter=ada, muted=bob).count() == 1
    assert feed_actors(gql) == ["carol"]
    # Muting is quiet: the profile, reviews and follow stay as they were.
    query = """query($id: ID!) { user(username: "bob") { username isFollowedByViewer }
      node(id: $id) { id } }"""
    data = gql(query, {"id": to_base64("Review", review.pk)})["data"]
    assert data["user"] == {"username": "bob", "isFollowedByViewer": True}
    assert data["node"] == {"id": to_base64("Review", review.pk)}
    # Nor does Bob notice anything: Ada is still there for him, following him.
    gql.login(bob)
    data = gql('{ user(username: "ada") { username followsViewer } }')["data"]
    assert data["user"] == {"username": "ada", "followsViewer": True}
    assert gql("{ me { mutedUsers { totalCount } } }")["data"]["me"]["mutedUsers"] == {
        "totalCount": 0
    }
    gql.login(ada)
    muted = gql("{ me { mutedUsers { edges { node { username } } } } }")["data"]["me"]
    assert muted["mutedUsers"]["edges"] == [{"node": {"username": "bob"}}]
    gql(UNMUTE, {"id": to_base64("User", bob.pk)})
    assert sorted(feed_actors(gql)) == ["bob", "carol"]


def test_a_muted_reader_no_longer_notifies_the_muter(gql):
    ada, bob = make_user("ada"), make_user("bob")
    gql.login(ada)
    gql(MUTE, {"id": to_base64("User", bob.pk)})
    follow(bob, ada.pk)  # would notify Ada (new_follower)
    assert not Notification.objects.filter(recipient=ada).exists()
    assert gql("{ notifications { totalCount } }")["data"]["notifications"]["totalCount"] == 0
    gql(UNMUTE, {"id": to_base64("User", bob.pk)})
    carol = make_user("carol")
    follow(carol, ada.pk)
    assert gql("{ notifications { totalCount } }")["data"]["notifications"]["totalCount"] == 1


def test_mute_user_refuses_yourself(gql):
    ada = make_user("ada")
    gql.login(ada)
    result = gql(MUTE, {"id": to_base64("User", ada.pk)})["data"]["muteUser"]
    assert result == {"user": None, "errors": [{"code": "INVALID", "field": "userId"}]}
