"""Blocking: both readers lose sight and reach of each other everywhere, whoever blocked."""

import pytest
from strawberry.relay import to_base64

from apps.reading.models import Review
from apps.search.indexing import rebuild
from apps.social.models import Block, Follow
from tests.factories import (
    make_activity,
    make_book,
    make_book_copy,
    make_follow,
    make_notification,
    make_notification_type,
    make_reading_list,
    make_review,
    make_user,
)

pytestmark = pytest.mark.django_db

BLOCK = """mutation($id: ID!) { blockUser(userId: $id) {
  user { username } errors { code field } } }"""
UNBLOCK = """mutation($id: ID!) { unblockUser(userId: $id) {
  user { username } errors { code field } } }"""


def uid(user) -> str:
    return to_base64("User", user.pk)


@pytest.fixture
def pair():
    """Ada blocks Bob; both wrote a public review of one book, keep a public list, act."""
    ada, bob = make_user("ada"), make_user("bob")
    book = make_book("Dune")
    for reader in (ada, bob):
        make_review(reader, book, body=f"{reader.username} on Dune")
        make_reading_list(reader, name=f"{reader.username}'s list")
    return ada, bob, book


def block(gql, blocker, blocked):
    gql.login(blocker)
    result = gql(BLOCK, {"id": uid(blocked)})
    assert result["data"]["blockUser"] == {"user": {"username": blocked.username}, "errors": []}
    return result


def sides(ada, bob):
    """(viewer, other) both ways: the blocker and the blocked see the same absence."""
    return [(ada, bob), (bob, ada)]


def test_block_user_removes_follows_both_ways_and_is_idempotent(gql, pair):
    ada, bob, _ = pair
    make_follow(ada, bob)
    make_follow(bob, ada)
    block(gql, ada, bob)
    block(gql, ada, bob)  # again: nothing changes, nothing fails
    assert not Follow.objects.filter(follower__in=[ada, bob], followee__in=[ada, bob]).exists()
    assert Block.objects.filter(blocker=ada, blocked=bob).count() == 1


def test_block_user_refuses_yourself_and_unknown_readers(gql, pair):
    ada, _, _ = pair
    gql.login(ada)
    mine = gql(BLOCK, {"id": uid(ada)})["data"]["blockUser"]
    assert mine == {"user": None, "errors": [{"code": "INVALID", "field": "userId"}]}
    unknown = gql(BLOCK, {"id": to_base64("User", 999999)})["data"]["blockUser"]
    assert unknown["errors"] == [{"code": "NOT_FOUND", "field": "userId"}]


def test_block_user_requires_login(gql, pair):
    _, bob, _ = pair
    result = gql(BLOCK, {"id": uid(bob)})
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_neither_can_follow_the_other(gql, pair):
    ada, bob, _ = pair
    block(gql, ada, bob)
    follow = "mutation($id: ID!) { follow(userId: $id) { errors { code } } }"
    gql.login(bob)
    assert gql(follow, {"id": uid(ada)})["data"]["follow"]["errors"] == [{"code": "NOT_FOUND"}]
    gql.login(ada)
    assert gql(follow, {"id": uid(bob)})["data"]["follow"]["errors"] == [{"code": "NOT_ALLOWED"}]
    assert not Follow.objects.exists()


def test_the_other_reader_is_absent_by_username_and_by_id(gql, pair):
    ada, bob, _ = pair
    block(gql, ada, bob)
    query = """query($name: String!, $id: ID!) {
      user(username: $name) { username } node(id: $id) { id } }"""
    for viewer, other in sides(ada, bob):
        gql.login(viewer)
        data = gql(query, {"name": other.username, "id": uid(other)})["data"]
        assert data == {"user": None, "node": None}
    gql.logout()  # anonymous visitors are never concerned
    data = gql(query, {"name": "bob", "id": uid(bob)})["data"]
    assert data == {"user": {"username": "bob"}, "node": {"id": uid(bob)}}


def test_reviews_lists_and_activity_of_the_other_are_absent(gql, pair):
    ada, bob, book = pair
    for reader in (ada, bob):
        make_activity(reader, target=book)
    block(gql, ada, bob)
    query = """query($book: ID!, $name: String!) {
      reviews(bookId: $book) { edges { node { user { username } } } }
      byName: reviews(username: $name) { totalCount }
      readingLists(owner: $name) { totalCount }
      userActivity(username: $name) { totalCount } }"""
    for viewer, other in sides(ada, bob):
        gql.login(viewer)
        data = gql(query, {"book": to_base64("Book", book.pk), "name": other.username})["data"]
        authors = [e["node"]["user"]["username"] for e in data["reviews"]["edges"]]
        assert authors == [viewer.username]
        assert data["byName"] == data["readingLists"] == {"totalCount": 0}
        assert data["userActivity"] == {"totalCount": 0}
        review = Review.objects.get(user=other)
        node = gql(
            "query($id: ID!) { node(id: $id) { id } }", {"id": to_base64("Review", review.pk)}
        )
        assert node["data"]["node"] is None


def test_the_other_reader_leaves_third_parties_follow_lists(gql, pair):
    ada, bob, _ = pair
    carol = make_user("carol")
    make_follow(ada, carol)
    make_follow(bob, carol)
    block(gql, ada, bob)
    query = """{ followers(username: "carol") { edges { node { username } } } }"""
    for viewer, _other in sides(ada, bob):
        gql.login(viewer)
        names = [e["node"]["username"] for e in gql(query)["data"]["followers"]["edges"]]
        assert names == [viewer.username]


def test_the_other_reader_leaves_search(gql, pair):
    ada, bob, _ = pair
    block(gql, ada, bob)
    rebuild(["user", "list"])
    query = """query($q: String!) { search(query: $q, types: [USER, LIST]) {
      edges { node { __typename ... on User { username } ... on ReadingList { name } } } } }"""
    for viewer, other in sides(ada, bob):
        gql.login(viewer)
        edges = gql(query, {"q": other.username})["data"]["search"]["edges"]
        assert edges == [], viewer.username
    gql.login(make_user("carol"))
    assert gql(query, {"q": "bob"})["data"]["search"]["edges"] != []


def test_notifications_from_the_other_are_absent_and_no_new_ones_arrive(gql, pair):
    ada, bob, _ = pair
    kind = make_notification_type("new_follower_test")
    make_notification(ada, actor=bob, type=kind)
    make_notification(bob, actor=ada, type=kind)
    block(gql, ada, bob)
    query = "{ notifications { totalCount } unreadNotificationCount }"
    for viewer, _ in sides(ada, bob):
        gql.login(viewer)
        assert gql(query)["data"] == {
            "notifications": {"totalCount": 0},
            "unreadNotificationCount": 0,
        }


def test_neither_can_reserve_the_others_copies(gql, pair):
    ada, bob, _ = pair
    book = make_book("Lendable")
    make_book_copy(book, bob)
    block(gql, ada, bob)
    reserve = "mutation($b: ID!) { reserveBook(bookId: $b) { errors { code } } }"
    gql.login(ada)
    assert gql(reserve, {"b": to_base64("Book", book.pk)})["data"]["reserveBook"]["errors"] == [
        {"code": "INVALID"}
    ]
    copies = gql(
        "query($b: ID!) { copies(bookId: $b) { totalCount } }", {"b": to_base64("Book", book.pk)}
    )
    assert copies["data"]["copies"] == {"totalCount": 0}
    # And the other way round: Bob cannot get Ada's copy.
    other = make_book("Ada's")
    make_book_copy(other, ada)
    gql.login(bob)
    assert gql(reserve, {"b": to_base64("Book", other.pk)})["data"]["reserveBook"]["errors"] == [
        {"code": "INVALID"}
    ]


def test_blocked_users_lists_the_blocked_for_the_blocker_only(gql, pair):
    ada, bob, _ = pair
    carol = make_user("carol")
    block(gql, ada, bob)
    block(gql, ada, carol)
    query = "{ me { blockedUsers(first: 1) { totalCount edges { node { username } } pageInfo { hasNextPage endCursor } } } }"
    gql.login(ada)
    page = gql(query)["data"]["me"]["blockedUsers"]
    assert page["totalCount"] == 2
    assert [e["node"]["username"] for e in page["edges"]] == ["carol"]  # newest first
    assert page["pageInfo"]["hasNextPage"] is True
    gql.login(bob)
    assert gql(query)["data"]["me"]["blockedUsers"]["totalCount"] == 0
    other = """query { user(username: "ada") { blockedUsers { totalCount } } }"""
    gql.login(carol)  # Carol is blocked too, so Ada is absent; a stranger sees an empty list
    gql.login(make_user("dan"))
    assert gql(other)["data"]["user"]["blockedUsers"] == {"totalCount": 0}


def test_unblock_user_restores_sight_but_not_follows_and_is_idempotent(gql, pair):
    ada, bob, _ = pair
    make_follow(bob, ada)
    block(gql, ada, bob)
    gql.login(ada)
    for _ in range(2):
        result = gql(UNBLOCK, {"id": uid(bob)})["data"]["unblockUser"]
        assert result == {"user": {"username": "bob"}, "errors": []}
    gql.login(bob)
    assert gql('{ user(username: "ada") { username } }')["data"]["user"] == {"username": "ada"}
    assert not Follow.objects.filter(follower=bob, followee=ada).exists()


def test_an_activity_about_the_other_reader_shows_no_target(gql, pair):
    ada, bob, _ = pair
    carol = make_user("carol")
    make_follow(ada, carol)
    make_activity(carol, target=bob, verb="followed")
    query = "{ feed(first: 5) { edges { node { verb target { __typename } } } } }"
    gql.login(ada)
    assert gql(query)["data"]["feed"]["edges"] == [
        {"node": {"verb": "FOLLOWED", "target": {"__typename": "User"}}}
    ]
    block(gql, bob, ada)  # whoever blocked
    gql.login(ada)
    assert gql(query)["data"]["feed"]["edges"] == [{"node": {"verb": "FOLLOWED", "target": None}}]


def test_a_personal_export_tells_whom_you_blocked_but_not_who_blocked_or_reported_you(pair):
    import json

    from django.contrib.contenttypes.models import ContentType

    from apps.accounts.personal_export import sections
    from apps.moderation.models import Report

    ada, bob, _ = pair
    Block.objects.create(blocker=ada, blocked=bob)
    Report.objects.create(
        reporter=ada,
        subject_type=ContentType.objects.get_for_model(bob),
        subject_id=bob.pk,
        subject_owner=bob,
        reason="spam",
    )
    mine = sections(ada)["safety.json"]
    assert [b["username"] for b in mine["blocked"]] == ["bob"]
    assert [(r["reason"], r["status"]) for r in mine["reports"]] == [("spam", "open")]
    theirs = sections(bob)
    assert theirs["safety.json"]["blocked"] == [] and theirs["safety.json"]["reports"] == []
    text = json.dumps(theirs, default=str)
    assert "ada" not in text and f'"reporter_id": {ada.pk}' not in text
    assert "moderation.Report" not in theirs["other.json"]
    assert "social.Block" not in theirs["other.json"]
