"""Follow lists: newest first, paginated, and a page costs the same SQL however long it is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_follow, make_profile, make_user

pytestmark = pytest.mark.django_db

FOLLOWERS_PAGE = """
query($username: String!, $first: Int!, $after: String) {
  followers(username: $username, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node { username displayName profile { bio } isFollowedByViewer followersCount }
    }
  }
}
"""


def make_followers(star, count: int, viewer) -> list:
    """`count` followers of `star` with mixed profile privacy; the viewer follows every third."""
    privacies = ["public", "followers", "private"]
    followers = []
    for i in range(count):
        follower = make_user(f"{star.username}-fan{i:02d}")
        make_profile(follower, display_name=f"Fan {i}", bio=f"bio {i}", privacy=privacies[i % 3])
        make_follow(follower, star)
        if i % 3 == 0:
            make_follow(viewer, follower)
        followers.append(follower)
    return followers


def run_page(gql, username: str, first: int) -> tuple[dict, int]:
    with CaptureQueriesContext(connection) as queries:
        result = gql(FOLLOWERS_PAGE, {"username": username, "first": first})
    assert "errors" not in result, result
    return result["data"]["followers"], len(queries)


def test_followers_page_query_count_does_not_grow_with_page_size(gql):
    viewer = make_user("viewer")
    small, large = make_user("small"), make_user("large")
    make_followers(small, 10, viewer)
    make_followers(large, 40, viewer)
    gql.login(viewer)

    small_page, small_queries = run_page(gql, "small", 10)
    large_page, large_queries = run_page(gql, "large", 40)

    assert len(small_page["edges"]) == 10 and len(large_page["edges"]) == 40
    assert small_queries == large_queries, (small_queries, large_queries)
    nodes = {e["node"]["username"]: e["node"] for e in large_page["edges"]}
    # Public: visible; followers-only: visible to the viewer only when following (i % 3 == 0
    # never is followers-only, so hidden); private: hidden. The viewer follows fan00, fan03 …
    assert nodes["large-fan00"] == {
        "username": "large-fan00",
        "displayName": "Fan 0",
        "profile": {"bio": "bio 0"},
        "isFollowedByViewer": True,
        "followersCount": 1,
    }
    assert (
        nodes["large-fan01"]["profile"] is None and not nodes["large-fan01"]["isFollowedByViewer"]
    )
    assert nodes["large-fan02"]["profile"] is None
    assert nodes["large-fan03"]["isFollowedByViewer"] is True


def test_followers_are_newest_first_with_cursor_pagination(gql):
    star = make_user("star")
    fans = [make_user(f"fan{i}") for i in range(5)]
    for fan in fans:
        make_follow(fan, star)

    first, _ = run_page(gql, "star", 2)
    result = gql(
        FOLLOWERS_PAGE, {"username": "star", "first": 3, "after": first["pageInfo"]["endCursor"]}
    )
    rest = result["data"]["followers"]

    names = [e["node"]["username"] for e in first["edges"] + rest["edges"]]
    assert names == ["fan4", "fan3", "fan2", "fan1", "fan0"]
    assert first["totalCount"] == 5 and first["pageInfo"]["hasNextPage"] is True
    assert rest["pageInfo"]["hasNextPage"] is False


def test_following_lists_whom_a_reader_follows(gql):
    ada = make_user("ada")
    for name in ("bob", "carol"):
        make_follow(ada, make_user(name))
    make_follow(make_user("dave"), ada)

    result = gql('{ following(username: "ada", first: 10) { edges { node { username } } } }')

    assert [e["node"]["username"] for e in result["data"]["following"]["edges"]] == [
        "carol",
        "bob",
    ]


def test_deactivated_readers_leave_follow_lists_and_counts(gql):
    ada = make_user("ada")
    make_follow(make_user("gone", is_active=False), ada)
    make_follow(make_user("here"), ada)

    result = gql('{ user(username: "ada") { followersCount followers(first: 5) { totalCount } } }')

    assert result["data"]["user"] == {"followersCount": 1, "followers": {"totalCount": 1}}
