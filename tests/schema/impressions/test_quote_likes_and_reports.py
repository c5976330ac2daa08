"""Quotes are likeable and reportable (issue 21 after issue 20): `like`/`unlike` on a quote,
its `likeCount`/`viewerHasLiked`, POPULAR by likes, and a report a moderator acts on."""

import pytest
from django.db import connection
from django.test import override_settings

from apps.accounts.deletion import erase_account
from apps.conversation.models import Like
from apps.core.models import ModerationStatus, Privacy
from apps.impressions.models import Quote
from apps.notifications.models import Notification
from tests.compiled.test_compiled_reads import planned
from tests.factories import make_book, make_user
from tests.safety.test_moderation_scenario import REPORT, RESOLVE, moderator
from tests.schema.conversation.helpers import block, codes
from tests.schema.reading.helpers import gid

pytestmark = pytest.mark.django_db

LIKE = """mutation($s: ID!) { like(subjectId: $s) {
  subject { ... on Quote { text likeCount viewerHasLiked } } errors { code field } } }"""
UNLIKE = """mutation($s: ID!) { unlike(subjectId: $s) {
  subject { ... on Quote { text likeCount viewerHasLiked } } errors { code field } } }"""
QUOTES = """query($id: ID!, $u: String!) {
  book(id: $id) { quotes(first: 10) { totalCount edges { node {
    text likeCount viewerHasLiked moderationStatus likes(first: 5) { edges { node { user { username } } } }
  } } } }
  user(username: $u) { quotes(first: 10) { totalCount edges { node { text moderationStatus } } } }
}"""
POPULAR = """query($id: ID!) {
  book(id: $id) { quotes(first: 10, order: POPULAR) { edges { node { text likeCount } } } } }"""


def quote(user, book=None, text="Fear is the mind-killer.", **fields) -> Quote:
    return Quote.objects.create(user=user, book=book or make_book("Dune"), text=text, **fields)


def test_liking_a_quote_is_idempotent_counted_and_notifies_its_reader(gql):
    ada, bob = make_user("ada"), make_user("bob")
    kept = quote(ada)
    gql.login(bob)
    for _ in range(2):
        result = gql(LIKE, {"s": gid(kept)})
        assert codes(result, "like") == []
        assert result["data"]["like"]["subject"] == {
            "text": "Fear is the mind-killer.",
            "likeCount": 1,
            "viewerHasLiked": True,
        }
    kept.refresh_from_db()
    assert kept.likes_count == 1 and Like.objects.filter(quote=kept).count() == 1
    notification = Notification.objects.get(recipient=ada, type__key="liked")
    assert notification.actor == bob and notification.target == kept
    assert notification.data["subject"] == "quote"

    seen = gql(QUOTES, {"id": gid(kept.book), "u": "ada"})["data"]["book"]["quotes"]["edges"]
    assert seen[0]["node"]["likes"] == {"edges": [{"node": {"user": {"username": "bob"}}}]}

    for _ in range(2):
        result = gql(UNLIKE, {"s": gid(kept)})
        assert result["data"]["unlike"]["subject"]["likeCount"] == 0
        assert result["data"]["unlike"]["subject"]["viewerHasLiked"] is False
    kept.refresh_from_db()
    assert kept.likes_count == 0 and not Like.objects.exists()


def test_a_quote_one_may_not_see_cannot_be_liked(gql):
    ada, bob, cyd = make_user("ada"), make_user("bob"), make_user("cyd")
    private = quote(ada, privacy=Privacy.PRIVATE)
    public = quote(cyd, text="Walk without rhythm.")
    gql.login(bob)
    assert codes(gql(LIKE, {"s": gid(private)}), "like") == [("NOT_FOUND", "subjectId")]
    assert codes(gql(LIKE, {"s": gid("Quote", 999_999)}), "like") == [("NOT_FOUND", "subjectId")]
    # Across a block, either way: absent, as a private quote is.
    block(cyd, bob)
    assert codes(gql(LIKE, {"s": gid(public)}), "like") == [("NOT_FOUND", "subjectId")]
    gql.login(cyd)
    bobs = quote(bob, text="The spice must flow.")
    assert codes(gql(LIKE, {"s": gid(bobs)}), "like") == [("NOT_FOUND", "subjectId")]
    assert not Like.objects.exists()
    assert Quote.objects.filter(likes_count__gt=0).count() == 0
    # The reader liking their own private quote is fine (and notifies no one).
    gql.login(ada)
    assert codes(gql(LIKE, {"s": gid(private)}), "like") == []
    assert not Notification.objects.filter(type__key="liked").exists()


def test_popular_quotes_follow_their_likes(gql):
    book = make_book("Dune")
    ada = make_user("ada")
    first, second, _third = (quote(ada, book, text=t) for t in ("first", "second", "third"))
    readers = [make_user(f"r{n}") for n in range(3)]
    for reader, liked in zip(readers, ([second, first], [second], [second, first]), strict=True):
        gql.login(reader)
        for q in liked:
            assert codes(gql(LIKE, {"s": gid(q)}), "like") == []
    order = gql(POPULAR, {"id": gid(book)})["data"]["book"]["quotes"]["edges"]
    assert [(e["node"]["text"], e["node"]["likeCount"]) for e in order] == [
        ("second", 3),
        ("first", 2),
        ("third", 0),
    ]
    gql.login(readers[0])
    gql(UNLIKE, {"s": gid(second)})
    gql.login(readers[1])
    gql(UNLIKE, {"s": gid(second)})
    order = gql(POPULAR, {"id": gid(book)})["data"]["book"]["quotes"]["edges"]
    assert [e["node"]["text"] for e in order] == ["first", "second", "third"]
    # A liker's account deleted: their likes go, and the order counts the likes left.
    erase_account(readers[0])
    assert dict(Quote.objects.values_list("text", "likes_count")) == {
        "first": 1,
        "second": 1,
        "third": 0,
    }


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "resolver"])
def test_a_reported_quote_hidden_by_a_moderator_is_its_readers_alone(gql, compiled):
    ada, bob, mod = make_user("ada"), make_user("bob"), moderator()
    kept = quote(bob, text="nasty words")
    quote(bob, kept.book, text="kind words")
    gql.login(ada)
    filed = gql(REPORT, {"id": gid(kept), "reason": "HARASSMENT"})["data"]["report"]
    assert filed["errors"] == [] and filed["report"]["subjectId"] == gid(kept)
    gql.login(mod)
    done = gql(RESOLVE, {"id": filed["report"]["id"], "action": "HIDE_CONTENT"})
    assert done["data"]["resolveReport"]["errors"] == []
    kept.refresh_from_db()
    assert kept.moderation_status == ModerationStatus.HIDDEN

    def seen_by(viewer):
        gql.logout()
        if viewer is not None:
            gql.login(viewer)
        with override_settings(GRAPHQL_COMPILED_READS=compiled):
            result = gql(QUOTES, {"id": gid(kept.book), "u": "bob"})
        assert "errors" not in result, result
        if compiled and connection.vendor == "postgresql":  # SQLite: the resolver path only
            assert planned(QUOTES, authenticated=viewer is not None)
        data = result["data"]
        return (
            [
                (e["node"]["text"], e["node"]["moderationStatus"])
                for e in data[key]["quotes"]["edges"]
            ]
            for key in ("book", "user")
        )

    for other in (ada, mod, None):
        on_book, on_profile = seen_by(other)
        assert on_book == on_profile == [("kind words", "VISIBLE")], other
    on_book, on_profile = seen_by(bob)
    assert set(on_book) == set(on_profile) == {("kind words", "VISIBLE"), ("nasty words", "HIDDEN")}
    # Hidden, it can no longer be liked nor reported by others.
    gql.login(ada)
    assert codes(gql(LIKE, {"s": gid(kept)}), "like") == [("NOT_FOUND", "subjectId")]
    again = gql(REPORT, {"id": gid(kept), "reason": "OTHER"})["data"]["report"]["errors"]
    assert again == [{"code": "NOT_FOUND", "field": "subjectId"}]
