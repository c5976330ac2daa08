"""A harassment scenario end to end through GraphQL: a report, a moderator, a suspension."""

import pytest
from django.contrib.auth.models import Group, Permission
from strawberry.relay import to_base64

from apps.accounts.personal_tokens import create_personal_access_token
from apps.moderation.models import ModerationLogEntry
from apps.reading.models import ReadingList
from tests.factories import make_book, make_reading_list, make_review, make_user
from tests.schema.accounts.helpers import (
    ME,
    PASSWORD,
    REFRESH,
    TOKEN_AUTH,
    error_codes,
    token_auth,
)

pytestmark = pytest.mark.django_db

REPORT = """mutation($id: ID!, $reason: ReportReason!, $details: String) {
  report(subjectId: $id, reason: $reason, details: $details) {
    report { id status reason subjectId } errors { code field } } }"""
RESOLVE = """mutation($id: ID!, $action: ModerationAction!, $note: String, $until: DateTime) {
  resolveReport(id: $id, action: $action, note: $note, until: $until) {
    report { status action note } errors { code field } } }"""
UNSUSPEND = """mutation($id: ID!, $note: String) { unsuspendUser(userId: $id, note: $note) {
  user { username } errors { code } } }"""
QUEUE = """{ reports(status: OPEN) { totalCount edges { node { id reason details
  reporter { username } subject { __typename ... on Review { body } ... on User { username } } } } } }"""
LOG = """{ moderationLog { edges { node { action note moderator { username } user { username }
  report { reason } } } } }"""
BOB_CONTENT = """query($review: ID!) { node(id: $review) { ... on Review { body moderationStatus } }
  reviews(username: "bob") { totalCount } readingLists(owner: "bob") { totalCount }
  user(username: "bob") { username profile { bio } } }"""


def moderator():
    """A reader made a moderator through a group holding `moderation.moderate`."""
    group = Group.objects.create(name="Moderators")
    group.permissions.add(Permission.objects.get(codename="moderate"))
    mod = make_user("mod")
    mod.groups.add(group)
    return mod


@pytest.fixture
def world():
    ada = make_user("ada")
    bob = make_user("bob", password=PASSWORD)
    review = make_review(bob, make_book("Dune"), body="nasty words about ada")
    make_reading_list(bob, name="Bob's list")
    return ada, bob, review, moderator()


def test_harassment_from_report_to_suspension_and_back(gql, world):
    ada, bob, review, mod = world
    review_id = to_base64("Review", review.pk)
    bob_tokens = token_auth(gql, "bob")
    _, bob_pat = create_personal_access_token(bob, "script", ["read"])

    # Ada reports Bob's review, and follows her report.
    gql.login(ada)
    filed = gql(REPORT, {"id": review_id, "reason": "HARASSMENT", "details": "again"})
    report = filed["data"]["report"]
    assert report["errors"] == []
    assert report["report"]["status"] == "OPEN" and report["report"]["subjectId"] == review_id
    mine = gql("{ me { reports { edges { node { status reason } } } } }")["data"]["me"]
    assert mine["reports"]["edges"] == [{"node": {"status": "OPEN", "reason": "HARASSMENT"}}]

    # A reader who is not a moderator sees no queue and may not resolve.
    gql.login(make_user("carol"))
    assert gql(QUEUE)["data"]["reports"]["totalCount"] == 0
    refused = gql(RESOLVE, {"id": report["report"]["id"], "action": "DISMISS"})
    assert refused["data"]["resolveReport"]["errors"] == [{"code": "NOT_ALLOWED", "field": None}]

    # The moderator sees it in the queue and hides the review.
    gql.login(mod)
    queue = gql(QUEUE)["data"]["reports"]
    assert queue["totalCount"] == 1
    assert queue["edges"][0]["node"]["subject"] == {
        "__typename": "Review",
        "body": "nasty words about ada",
    }
    hidden = gql(
        RESOLVE, {"id": report["report"]["id"], "action": "HIDE_CONTENT", "note": "abusive"}
    )
    assert hidden["data"]["resolveReport"] == {
        "report": {"status": "ACTIONED", "action": "HIDE_CONTENT", "note": "abusive"},
        "errors": [],
    }
    for viewer in (ada, None):
        gql.logout() if viewer is None else gql.login(viewer)
        data = gql(BOB_CONTENT, {"review": review_id})["data"]
        assert data["node"] is None and data["reviews"]["totalCount"] == 0
    gql.login(bob)  # the author still sees it, and why
    data = gql(BOB_CONTENT, {"review": review_id})["data"]
    assert data["node"] == {"body": "nasty words about ada", "moderationStatus": "HIDDEN"}

    # Ada is told; her report says so.
    gql.login(ada)
    notes = gql("{ notifications { edges { node { kind { key } data } } } }")["data"]
    assert notes["notifications"]["edges"][0]["node"]["kind"]["key"] == "report_resolved"
    assert notes["notifications"]["edges"][0]["node"]["data"]["status"] == "actioned"

    # Bob keeps at it: Ada reports his profile, the moderator suspends him.
    filed = gql(REPORT, {"id": to_base64("User", bob.pk), "reason": "HARASSMENT"})
    report_id = filed["data"]["report"]["report"]["id"]
    gql.login(mod)
    suspended = gql(RESOLVE, {"id": report_id, "action": "SUSPEND_USER", "note": "repeat"})
    assert suspended["data"]["resolveReport"]["errors"] == []

    # Every token of Bob's stops working at once; logging in and refreshing say why.
    gql.logout()
    assert error_codes(gql(ME, Authorization=f"Bearer {bob_tokens['token']}")) == [
        "UNAUTHENTICATED"
    ]
    assert error_codes(gql(ME, Authorization=f"Bearer {bob_pat}")) == ["UNAUTHENTICATED"]
    refreshed = gql(REFRESH, {"refreshToken": bob_tokens["refreshToken"]})
    assert error_codes(refreshed) == ["ACCOUNT_SUSPENDED"]
    login = gql(TOKEN_AUTH, {"username": "bob", "password": PASSWORD})
    assert error_codes(login) == ["ACCOUNT_SUSPENDED"]
    wrong = gql(TOKEN_AUTH, {"username": "bob", "password": "not his password"})
    assert error_codes(wrong) == ["UNAUTHENTICATED"]  # no news for who lacks the password

    # His content is hidden from everyone while he is suspended.
    gql.login(ada)
    data = gql(BOB_CONTENT, {"review": review_id})["data"]
    assert data["readingLists"] == {"totalCount": 0}
    assert data["user"] == {"username": "bob", "profile": None}

    # Everything was logged, readable by moderators only.
    gql.login(mod)
    log = [e["node"] for e in gql(LOG)["data"]["moderationLog"]["edges"]]
    assert [(e["action"], e["note"], e["user"]["username"]) for e in log] == [
        ("SUSPEND_USER", "repeat", "bob"),
        ("HIDE_CONTENT", "abusive", "bob"),
    ]
    assert log[0]["moderator"] == {"username": "mod"}
    gql.login(ada)
    assert gql(LOG)["data"]["moderationLog"]["edges"] == []

    # Unsuspended: his content is back (the hidden review stays hidden) and he may log in.
    gql.login(mod)
    lifted = gql(UNSUSPEND, {"id": to_base64("User", bob.pk), "note": "appeal heard"})
    assert lifted["data"]["unsuspendUser"] == {"user": {"username": "bob"}, "errors": []}
    gql.login(ada)
    data = gql(BOB_CONTENT, {"review": review_id})["data"]
    assert data["readingLists"] == {"totalCount": 1} and data["node"] is None
    assert data["user"]["profile"] is not None
    assert token_auth(gql, "bob")["user"] == {"username": "bob"}
    assert ModerationLogEntry.objects.filter(action="unsuspend_user", note="appeal heard").exists()


def test_report_rules(gql, world, settings):
    ada, bob, review, _ = world
    gql.login(ada)
    review_id = to_base64("Review", review.pk)
    private = make_review(bob, make_book(), privacy="private")
    # What the reader cannot see cannot be reported; nor their own; nor twice while open.
    unseen = gql(REPORT, {"id": to_base64("Review", private.pk), "reason": "SPAM"})
    assert unseen["data"]["report"]["errors"] == [{"code": "NOT_FOUND", "field": "subjectId"}]
    mine = make_review(ada, make_book())
    own = gql(REPORT, {"id": to_base64("Review", mine.pk), "reason": "SPAM"})
    assert own["data"]["report"]["errors"] == [{"code": "INVALID", "field": "subjectId"}]
    book = gql(REPORT, {"id": to_base64("Book", review.book_id), "reason": "SPAM"})
    assert book["data"]["report"]["errors"] == [{"code": "NOT_FOUND", "field": "subjectId"}]
    assert gql(REPORT, {"id": review_id, "reason": "SPAM"})["data"]["report"]["errors"] == []
    again = gql(REPORT, {"id": review_id, "reason": "HATE"})
    assert again["data"]["report"]["errors"] == [{"code": "CONFLICT", "field": "subjectId"}]
    # Across a block, the other reader's content is absent: nothing to report.
    gql.login(bob)
    gql(
        "mutation($id: ID!) { blockUser(userId: $id) { errors { code } } }",
        {"id": to_base64("User", ada.pk)},
    )
    gql.login(ada)
    blocked = gql(REPORT, {"id": to_base64("User", bob.pk), "reason": "SPAM"})
    assert blocked["data"]["report"]["errors"] == [{"code": "NOT_FOUND", "field": "subjectId"}]


@pytest.mark.parametrize("kind", ["Review", "ReadingList", "User"])
def test_every_kind_of_subject_can_be_reported_and_hidden(gql, world, kind):
    ada, bob, review, mod = world
    subject = {"Review": review, "ReadingList": ReadingList.objects.get(owner=bob), "User": bob}[
        kind
    ]
    subject_id = to_base64(kind, subject.pk)
    gql.login(ada)
    filed = gql(REPORT, {"id": subject_id, "reason": "OTHER"})["data"]["report"]
    assert filed["errors"] == [] and filed["report"]["subjectId"] == subject_id
    gql.login(mod)
    done = gql(RESOLVE, {"id": filed["report"]["id"], "action": "HIDE_CONTENT"})
    assert done["data"]["resolveReport"]["errors"] == []
    query = {
        "Review": 'query { reviews(username: "bob") { totalCount } }',
        "ReadingList": 'query { readingLists(owner: "bob") { totalCount } }',
        "User": 'query { user(username: "bob") { profile { moderationStatus } } }',
    }[kind]
    gql.login(ada)
    hidden = gql(query)["data"]
    gql.login(bob)
    own = gql(query)["data"]
    if kind == "User":
        assert hidden == {"user": {"profile": None}}
        assert own == {"user": {"profile": {"moderationStatus": "HIDDEN"}}}
    else:
        assert list(hidden.values()) == [{"totalCount": 0}]
        assert list(own.values()) == [{"totalCount": 1}]


def test_reports_per_hour_are_limited(gql, world, settings):
    ada, bob, _, _ = world
    settings.REPORTS_PER_HOUR = 2
    gql.login(ada)
    codes = []
    for n in range(3):
        target = make_review(bob, make_book(f"Book {n}"))
        result = gql(REPORT, {"id": to_base64("Review", target.pk), "reason": "SPAM"})
        codes.append([e["code"] for e in result["data"]["report"]["errors"]])
    assert codes == [[], [], ["RATE_LIMITED"]]


def test_resolving_twice_is_a_conflict_and_until_needs_a_suspension(gql, world):
    ada, _, review, mod = world
    gql.login(ada)
    filed = gql(REPORT, {"id": to_base64("Review", review.pk), "reason": "SPAM"})
    report_id = filed["data"]["report"]["report"]["id"]
    gql.login(mod)
    wrong = gql(RESOLVE, {"id": report_id, "action": "DISMISS", "until": "2099-01-01T00:00:00Z"})
    assert wrong["data"]["resolveReport"]["errors"] == [{"code": "INVALID", "field": "until"}]
    assert (
        gql(RESOLVE, {"id": report_id, "action": "DISMISS"})["data"]["resolveReport"]["errors"]
        == []
    )
    again = gql(RESOLVE, {"id": report_id, "action": "DISMISS"})
    assert again["data"]["resolveReport"]["errors"] == [{"code": "CONFLICT", "field": "id"}]
    gql.login(ada)
    mine = gql("{ me { reports { edges { node { status action } } } } }")["data"]["me"]
    assert mine["reports"]["edges"] == [{"node": {"status": "DISMISSED", "action": "DISMISS"}}]


def test_a_suspension_with_an_end_lapses_by_itself(gql, world):
    from datetime import timedelta

    from django.utils import timezone

    from apps.accounts.models import User

    ada, bob, _, mod = world
    gql.login(ada)
    filed = gql(REPORT, {"id": to_base64("User", bob.pk), "reason": "SPAM"})
    until = timezone.now() + timedelta(days=7)
    gql.login(mod)
    done = gql(
        RESOLVE,
        {
            "id": filed["data"]["report"]["report"]["id"],
            "action": "SUSPEND_USER",
            "until": until.isoformat(),
        },
    )
    assert done["data"]["resolveReport"]["errors"] == []
    gql.logout()
    assert error_codes(gql(TOKEN_AUTH, {"username": "bob", "password": PASSWORD})) == [
        "ACCOUNT_SUSPENDED"
    ]
    # A week later (the end moved into the past): he logs in, his lists are back.
    User.objects.filter(pk=bob.pk).update(suspended_until=timezone.now() - timedelta(seconds=1))
    assert token_auth(gql, "bob")["user"] == {"username": "bob"}
    gql.login(ada)
    assert gql('{ readingLists(owner: "bob") { totalCount } }')["data"]["readingLists"] == {
        "totalCount": 1
    }


def test_search_leaves_out_hidden_lists_and_suspended_readers(gql, world):
    from apps.accounts.suspension import suspend_user, unsuspend_user
    from apps.core.models import ModerationStatus
    from apps.search.indexing import rebuild

    ada, bob, _, _ = world
    carol = make_user("carol")
    hidden = make_reading_list(carol, name="Zanzibar reads")
    hidden.moderation_status = ModerationStatus.HIDDEN
    hidden.save()
    rebuild(["user", "list"])
    query = """query($q: String!) { search(query: $q, types: [USER, LIST]) {
      edges { node { __typename ... on User { username } ... on ReadingList { name } } } } }"""
    gql.login(ada)
    assert gql(query, {"q": "zanzibar"})["data"]["search"]["edges"] == []
    gql.login(carol)  # its owner still finds it
    assert gql(query, {"q": "zanzibar"})["data"]["search"]["edges"] == [
        {"node": {"__typename": "ReadingList", "name": "Zanzibar reads"}}
    ]
    gql.login(ada)
    assert gql(query, {"q": "bob"})["data"]["search"]["edges"] != []
    suspend_user(bob)
    assert gql(query, {"q": "bob"})["data"]["search"]["edges"] == []
    unsuspend_user(bob)
    assert gql(query, {"q": "bob"})["data"]["search"]["edges"] != []
