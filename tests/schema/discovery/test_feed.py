"""`feed` and `userActivity`: whose activities show, in which order, to whom, and at what cost."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.models import Privacy
from apps.social.models import Verb
from tests.factories import make_activity as _make_activity
from tests.factories import (
    make_author,
    make_book,
    make_follow,
    make_profile,
    make_reading_list,
    make_review,
    make_user,
)

pytestmark = pytest.mark.django_db

FEED = """
query($first: Int!, $after: String) {
  feed(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      verb data
      actor { username displayName }
      book { title authors { name } }
      target {
        __typename
        ... on Book { title }
        ... on Review { body }
        ... on ReadingList { name }
        ... on User { username }
      }
    } }
  }
}"""
USER_ACTIVITY = """
query($username: String!) {
  userActivity(username: $username, first: 20) { edges { node { verb book { title } } } }
}"""


def make_activity(actor, title, **kwargs):
    return _make_activity(actor, book=make_book(title), **kwargs)


def titles(result) -> list[str]:
    assert "errors" not in result, result
    key = "feed" if "feed" in result["data"] else "userActivity"
    return [edge["node"]["book"]["title"] for edge in result["data"][key]["edges"]]


def test_feed_shows_followed_readers_newest_first(gql):
    viewer, ada, bob, stranger = make_user(), make_user("ada"), make_user("bob"), make_user()
    make_follow(viewer, ada)
    make_follow(viewer, bob)
    make_activity(ada, "Dune", verb=Verb.FINISHED)
    make_activity(stranger, "Not followed")
    make_activity(viewer, "My own")
    make_activity(bob, "Emma", verb=Verb.RATED, data={"rating": 4.5})
    result = gql.login(viewer)(FEED, {"first": 10})
    assert titles(result) == ["Emma", "Dune"]
    first = result["data"]["feed"]["edges"][0]["node"]
    assert first["verb"] == "RATED" and first["data"] == {"rating": 4.5}
    assert first["actor"]["username"] == "bob"


def test_feed_pages_by_cursor_without_repeats(gql):
    viewer, ada = make_user(), make_user()
    make_follow(viewer, ada)
    for n in range(5):
        make_activity(ada, f"Book {n}")
    gql.login(viewer)
    page = gql(FEED, {"first": 2})
    seen = titles(page)
    while page["data"]["feed"]["pageInfo"]["hasNextPage"]:
        page = gql(FEED, {"first": 2, "after": page["data"]["feed"]["pageInfo"]["endCursor"]})
        seen += titles(page)
    assert seen == ["Book 4", "Book 3", "Book 2", "Book 1", "Book 0"]


def test_feed_honours_activity_privacy(gql):
    viewer, ada = make_user(), make_user()
    make_follow(viewer, ada)
    make_activity(ada, "Public")
    make_activity(ada, "Followers", privacy=Privacy.FOLLOWERS)
    make_activity(ada, "Private", privacy=Privacy.PRIVATE)
    assert titles(gql.login(viewer)(FEED, {"first": 10})) == ["Followers", "Public"]


def test_feed_honours_the_actor_profile_privacy(gql):
    viewer, hidden, followers_only = make_user(), make_user(), make_user()
    make_profile(hidden, privacy=Privacy.PRIVATE)
    make_profile(followers_only, privacy=Privacy.FOLLOWERS)
    make_follow(viewer, hidden)
    make_follow(viewer, followers_only)
    make_activity(hidden, "Of a private profile")
    make_activity(followers_only, "Of a followers-only profile")
    assert titles(gql.login(viewer)(FEED, {"first": 10})) == ["Of a followers-only profile"]


def test_feed_requires_login(gql):
    result = gql(FEED, {"first": 10})
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_user_activity_for_a_profile_page(gql):
    ada, viewer = make_user("ada"), make_user()
    make_activity(ada, "Dune")
    make_activity(ada, "Secret", privacy=Privacy.PRIVATE)
    assert titles(gql(USER_ACTIVITY, {"username": "ADA"})) == ["Dune"]
    assert titles(gql.login(ada)(USER_ACTIVITY, {"username": "ada"})) == ["Secret", "Dune"]
    make_profile(ada, privacy=Privacy.FOLLOWERS)
    assert titles(gql.login(viewer)(USER_ACTIVITY, {"username": "ada"})) == []
    make_follow(viewer, ada)
    assert titles(gql(USER_ACTIVITY, {"username": "ada"})) == ["Dune"]
    assert titles(gql(USER_ACTIVITY, {"username": "nobody"})) == []


def test_feed_activity_targets_by_type_and_visibility(gql):
    viewer, ada, bob = make_user(), make_user(), make_user("bob")
    make_follow(viewer, ada)
    book = make_book("Dune")
    _make_activity(ada, book, verb=Verb.FINISHED)
    review = make_review(ada, book, body="Spice!")
    _make_activity(ada, review, book=book, verb=Verb.REVIEWED)
    reading_list = make_reading_list(ada, name="Desert books")
    _make_activity(ada, reading_list, book=book, verb=Verb.LISTED)
    _make_activity(ada, bob, verb=Verb.FOLLOWED)

    def targets():
        ContentType.objects.clear_cache()  # as in a fresh server process
        result = gql.login(viewer)(FEED, {"first": 10})
        assert "errors" not in result, result
        return [edge["node"]["target"] for edge in result["data"]["feed"]["edges"]]

    assert targets() == [
        {"__typename": "User", "username": "bob"},
        {"__typename": "ReadingList", "name": "Desert books"},
        {"__typename": "Review", "body": "Spice!"},
        {"__typename": "Book", "title": "Dune"},
    ]
    # The review turned private since: the activity stays, its target is gone for others.
    review.privacy = Privacy.PRIVATE
    review.save()
    assert targets()[2] is None


def _feed_queries(gql, viewer, size: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        result = gql.login(viewer)(FEED, {"first": size})
    assert "errors" not in result, result
    assert len(result["data"]["feed"]["edges"]) == size
    return len(queries)


def test_feed_query_count_does_not_grow_with_page_size(gql):
    small_viewer, large_viewer = make_user(), make_user()
    for viewer, size in ((small_viewer, 10), (large_viewer, 50)):
        actors = [make_user() for _ in range(5)]
        for actor in actors:
            make_profile(actor, display_name=f"Reader {actor.pk}")
            make_follow(viewer, actor)
        for n in range(size):
            book = make_book(authors=[make_author()])
            actor = actors[n % 5]
            if n % 3 == 0:
                _make_activity(actor, book=book, data={"n": n})
            elif n % 3 == 1:
                _make_activity(actor, make_review(actor, book), book=book, verb=Verb.REVIEWED)
            else:
                _make_activity(actor, make_reading_list(actor), book=book, verb=Verb.LISTED)
    assert _feed_queries(gql, small_viewer, 10) == _feed_queries(gql, large_viewer, 50)
