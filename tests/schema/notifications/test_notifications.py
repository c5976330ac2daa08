"""notifications, unreadNotificationCount and markNotificationsRead: the viewer's inbox."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from strawberry.relay import to_base64

from apps.notifications.models import Notification, NotificationType
from tests.factories import make_book, make_notification, make_superuser, make_user
from tests.schema.accounts.helpers import error_codes

pytestmark = pytest.mark.django_db

INBOX = """
query($unreadOnly: Boolean, $first: Int) {
  unreadNotificationCount
  notifications(unreadOnly: $unreadOnly, first: $first) {
    totalCount
    edges { node { id isRead data kind { key name } actor { username } targetId } }
  }
}
"""
MARK = """
mutation($ids: [ID!], $all: Boolean) {
  markNotificationsRead(ids: $ids, all: $all) { unreadCount errors { code field message } }
}
"""


def nid(notification) -> str:
    return to_base64("Notification", notification.pk)


@pytest.fixture
def new_follower():
    return NotificationType.objects.get(key="new_follower")


@pytest.fixture
def inbox(new_follower):
    """ada's three notifications (the oldest read) and one of bob's."""
    ada, bob, carol = make_user("ada"), make_user("bob"), make_user("carol")
    now = timezone.now()
    rows = []
    for minutes, read in [(30, True), (20, False), (10, False)]:
        row = make_notification(
            ada, type=new_follower, actor=carol, target=carol, read_at=now if read else None
        )
        Notification.objects.filter(pk=row.pk).update(created_at=now - timedelta(minutes=minutes))
        rows.append(row)
    bobs = make_notification(bob, type=new_follower, actor=carol)
    return {"ada": ada, "bob": bob, "carol": carol, "rows": rows, "bobs": bobs}


def test_notifications_are_the_viewers_newest_first(gql, inbox):
    gql.login(inbox["ada"])

    result = gql(INBOX)["data"]

    assert result["unreadNotificationCount"] == 2
    assert result["notifications"]["totalCount"] == 3
    nodes = [edge["node"] for edge in result["notifications"]["edges"]]
    assert [node["id"] for node in nodes] == [nid(row) for row in reversed(inbox["rows"])]
    assert [node["isRead"] for node in nodes] == [False, False, True]
    assert nodes[0]["kind"] == {"key": "new_follower", "name": "New follower"}
    assert nodes[0]["actor"] == {"username": "carol"}
    assert nodes[0]["targetId"] == to_base64("User", inbox["carol"].pk)


def test_unread_only(gql, inbox):
    gql.login(inbox["ada"])

    result = gql(INBOX, {"unreadOnly": True})["data"]["notifications"]

    assert result["totalCount"] == 2
    assert {e["node"]["id"] for e in result["edges"]} == {nid(r) for r in inbox["rows"][1:]}


def test_another_users_notification_is_absent_through_node(gql, inbox):
    gql.login(inbox["bob"])
    query = "query($id: ID!) { node(id: $id) { id } }"

    assert gql(query, {"id": nid(inbox["bobs"])})["data"] == {"node": {"id": nid(inbox["bobs"])}}
    result = gql(query, {"id": nid(inbox["rows"][0])})
    assert not (result.get("data") or {}).get("node")


@pytest.mark.parametrize(
    "field", ["notifications(first: 5) { totalCount }", "unreadNotificationCount"]
)
def test_the_inbox_needs_login(gql, inbox, field):
    result = gql(f"{{ {field} }}")

    assert error_codes(result) == ["UNAUTHENTICATED"]


def test_inbox_query_count_does_not_grow_with_page_size(gql, new_follower):
    def inbox_of(name: str, size: int):
        user = make_user(name)
        for _ in range(size):
            make_notification(user, type=new_follower, actor=make_user(), target=make_book())
        return user

    counts = []
    for user, size in [(inbox_of("small", 5), 5), (inbox_of("large", 30), 30)]:
        gql.login(user)
        with CaptureQueriesContext(connection) as queries:
            result = gql(INBOX, {"first": size})
        assert len(result["data"]["notifications"]["edges"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- markNotificationsRead -----------------------------------------------------------------


def unread_ids(user) -> set[int]:
    return set(
        Notification.objects.filter(recipient=user, read_at__isnull=True).values_list(
            "pk", flat=True
        )
    )


def test_mark_some_read(gql, inbox):
    gql.login(inbox["ada"])
    newest = inbox["rows"][2]

    payload = gql(MARK, {"ids": [nid(newest)]})["data"]["markNotificationsRead"]

    assert payload == {"unreadCount": 1, "errors": []}
    assert unread_ids(inbox["ada"]) == {inbox["rows"][1].pk}


def test_mark_all_read(gql, inbox):
    gql.login(inbox["ada"])

    payload = gql(MARK, {"all": True})["data"]["markNotificationsRead"]

    assert payload == {"unreadCount": 0, "errors": []}
    assert unread_ids(inbox["ada"]) == set()
    assert unread_ids(inbox["bob"]) == {inbox["bobs"].pk}


@pytest.mark.parametrize("who", ["other user", "staff"])
def test_marking_someone_elses_notifications_is_ignored(gql, inbox, who):
    gql.login(inbox["bob"] if who == "other user" else make_superuser())

    payload = gql(MARK, {"ids": [nid(r) for r in inbox["rows"]]})["data"]["markNotificationsRead"]

    assert payload["errors"] == []
    assert unread_ids(inbox["ada"]) == {inbox["rows"][1].pk, inbox["rows"][2].pk}
    assert unread_ids(inbox["bob"]) == {inbox["bobs"].pk}


def test_marking_an_already_read_notification_is_fine(gql, inbox):
    gql.login(inbox["ada"])

    payload = gql(MARK, {"ids": [nid(inbox["rows"][0])]})["data"]["markNotificationsRead"]

    assert payload == {"unreadCount": 2, "errors": []}


@pytest.mark.parametrize(
    "variables", [{}, {"all": False}, {"ids": [], "all": True}, {"ids": None, "all": False}]
)
def test_mark_read_needs_exactly_one_of_ids_and_all(gql, inbox, variables):
    gql.login(inbox["ada"])

    payload = gql(MARK, variables)["data"]["markNotificationsRead"]

    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("INVALID", "ids")]
    assert payload["unreadCount"] is None
    assert len(unread_ids(inbox["ada"])) == 2


def test_mark_read_refuses_ids_of_other_types(gql, inbox):
    gql.login(inbox["ada"])

    payload = gql(MARK, {"ids": [to_base64("Book", inbox["rows"][1].pk)]})["data"][
        "markNotificationsRead"
    ]

    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("NOT_FOUND", "ids")]
    assert len(unread_ids(inbox["ada"])) == 2


def test_mark_read_needs_login(gql, inbox):
    assert error_codes(gql(MARK, {"all": True})) == ["UNAUTHENTICATED"]
    assert len(unread_ids(inbox["ada"])) == 2
