"""User.sessions and revokeSession: the viewer's logins, and ending one at once, its access
tokens included."""

import uuid

import jwt
import pytest
from django.conf import settings as django_settings

from apps.accounts.models import Session
from apps.accounts.sessions import truncate_ip
from apps.accounts.tokens import access_token_payload
from tests.factories import make_user
from tests.schema.accounts.helpers import (
    PASSWORD,
    REFRESH,
    error_codes,
    me_with,
)

pytestmark = pytest.mark.django_db

SESSIONS = "{ me { sessions { id createdAt lastUsedAt userAgent ipAddress current } } }"
USER_SESSIONS = "query($u: String!) { user(username: $u) { sessions { id } } }"
REVOKE_SESSION = """
mutation($id: ID!) { revokeSession(id: $id) { id errors { code field message } } }
"""
REVOKE_TOKEN = "mutation($t: String!) { revokeToken(refreshToken: $t) { revoked } }"


@pytest.fixture
def ada():
    return make_user("ada", password=PASSWORD)


def log_in(gql, username: str = "ada", agent: str = "Firefox", ip: str = "203.0.113.77") -> dict:
    """tokenAuth from a client with this User-Agent and address (behind a trusted proxy)."""
    from tests.schema.accounts.helpers import TOKEN_AUTH

    result = gql(
        TOKEN_AUTH,
        {"username": username, "password": PASSWORD},
        **{"User-Agent": agent, "X-Forwarded-For": ip},
    )
    assert "errors" not in result, result
    return result["data"]["tokenAuth"]


def sessions(gql, token: str) -> list[dict]:
    result = gql(SESSIONS, Authorization=f"Bearer {token}")
    assert "errors" not in result, result
    return result["data"]["me"]["sessions"]


def revoke(gql, token: str, session_id: str) -> dict:
    result = gql(REVOKE_SESSION, {"id": session_id}, Authorization=f"Bearer {token}")
    assert "errors" not in result, result
    return result["data"]["revokeSession"]


@pytest.fixture(autouse=True)
def _behind_proxy(settings):
    settings.BEHIND_PROXY = True


def test_sessions_lists_each_login_with_its_client_and_marks_the_current_one(gql, ada):
    laptop = log_in(gql, agent="Firefox on a laptop", ip="203.0.113.77")
    phone = log_in(gql, agent="BookNest iOS", ip="2001:db8:abcd:12::7")

    listed = sessions(gql, phone["token"])

    assert [(s["userAgent"], s["ipAddress"], s["current"]) for s in listed] == [
        ("BookNest iOS", "2001:db8:abcd::/48", True),
        ("Firefox on a laptop", "203.0.113.0/24", False),
    ]
    assert [s["current"] for s in sessions(gql, laptop["token"])] == [False, True]
    assert {s["id"] for s in listed} == {laptop["payload"]["sid"], phone["payload"]["sid"]}
    assert all(s["createdAt"] == s["lastUsedAt"] for s in listed)


def test_refreshing_keeps_the_session_and_updates_last_used_at(gql, ada):
    login = log_in(gql)
    [before] = sessions(gql, login["token"])
    refreshed = gql(REFRESH, {"refreshToken": login["refreshToken"]})["data"]["refreshToken"]
    assert refreshed["payload"]["sid"] == login["payload"]["sid"]
    [after] = sessions(gql, refreshed["token"])
    assert after["id"] == before["id"] and after["current"] is True
    assert after["createdAt"] == before["createdAt"]
    assert after["lastUsedAt"] > before["lastUsedAt"]


def test_revoke_session_ends_its_access_and_refresh_tokens_at_once(gql, ada):
    laptop, phone = log_in(gql), log_in(gql, agent="Phone")

    assert revoke(gql, phone["token"], laptop["payload"]["sid"]) == {
        "id": laptop["payload"]["sid"],
        "errors": [],
    }

    assert error_codes(me_with(gql, laptop["token"])) == ["UNAUTHENTICATED"]
    assert error_codes(gql(REFRESH, {"refreshToken": laptop["refreshToken"]})) == [
        "UNAUTHENTICATED"
    ]
    assert me_with(gql, phone["token"])["data"]["me"] == {"username": "ada"}
    assert [s["userAgent"] for s in sessions(gql, phone["token"])] == ["Phone"]


def test_revoking_the_current_session_logs_this_client_out(gql, ada):
    login = log_in(gql)
    assert revoke(gql, login["token"], login["payload"]["sid"])["errors"] == []
    assert error_codes(me_with(gql, login["token"])) == ["UNAUTHENTICATED"]


def test_access_tokens_issued_by_refresh_die_with_the_session(gql, ada):
    login, other = log_in(gql), log_in(gql)
    refreshed = gql(REFRESH, {"refreshToken": login["refreshToken"]})["data"]["refreshToken"]
    revoke(gql, other["token"], login["payload"]["sid"])
    assert error_codes(me_with(gql, refreshed["token"])) == ["UNAUTHENTICATED"]


def test_another_reader_cannot_revoke_or_see_a_session(gql, ada):
    login = log_in(gql)
    make_user("bob", password=PASSWORD)
    bob = log_in(gql, "bob")

    payload = revoke(gql, bob["token"], login["payload"]["sid"])

    assert payload == {
        "id": None,
        "errors": [{"code": "NOT_FOUND", "field": "id", "message": "No session with this id."}],
    }
    assert me_with(gql, login["token"])["data"]["me"] == {"username": "ada"}
    result = gql(USER_SESSIONS, {"u": "ada"}, Authorization=f"Bearer {bob['token']}")
    assert error_codes(result) == ["NOT_ALLOWED"]


def test_sessions_and_revoke_session_need_a_login(gql, ada):
    login = log_in(gql)
    assert error_codes(gql(USER_SESSIONS, {"u": "ada"})) == ["UNAUTHENTICATED"]
    result = gql(REVOKE_SESSION, {"id": login["payload"]["sid"]})
    assert error_codes(result) == ["UNAUTHENTICATED"]
    assert me_with(gql, login["token"])["data"]["me"] == {"username": "ada"}


@pytest.mark.parametrize(
    "session_id",
    ["not-a-uuid", "6f1c1c4e-0d0e-4b9f-9f3e-1d2c3b4a5f60", ""],
    ids=["not-a-uuid", "unknown", "empty"],
)
def test_unknown_session_ids_are_not_found(gql, ada, session_id):
    login = log_in(gql)
    payload = revoke(gql, login["token"], session_id)
    assert [e["code"] for e in payload["errors"]] == ["NOT_FOUND"]


def test_a_revoked_session_is_not_found_again_and_not_listed(gql, ada):
    login, other = log_in(gql), log_in(gql)
    revoke(gql, other["token"], login["payload"]["sid"])
    assert revoke(gql, other["token"], login["payload"]["sid"])["errors"][0]["code"] == "NOT_FOUND"
    assert [s["id"] for s in sessions(gql, other["token"])] == [other["payload"]["sid"]]


def test_revoke_token_and_logout_all_end_sessions_with_their_access_tokens(gql, ada):
    first, second = log_in(gql), log_in(gql)
    gql(REVOKE_TOKEN, {"t": first["refreshToken"]})
    assert error_codes(me_with(gql, first["token"])) == ["UNAUTHENTICATED"]
    assert len(sessions(gql, second["token"])) == 1
    gql("mutation { logoutAll { ok } }", Authorization=f"Bearer {second['token']}")
    assert not Session.objects.filter(revoked_at__isnull=True).exists()


def test_reusing_a_refresh_token_ends_the_session(gql, ada):
    login = log_in(gql)
    gql(REFRESH, {"refreshToken": login["refreshToken"]})
    assert error_codes(gql(REFRESH, {"refreshToken": login["refreshToken"]})) == ["UNAUTHENTICATED"]
    assert Session.objects.get(pk=login["payload"]["sid"]).revoked_at is not None


def test_a_signed_token_naming_another_users_session_is_refused(gql, ada):
    bob = make_user("bob", password=PASSWORD)
    bobs_session = log_in(gql, "bob")["payload"]["sid"]
    forged = jwt.encode(
        access_token_payload(ada, uuid.UUID(bobs_session)),
        django_settings.JWT_SECRET_KEY,
        algorithm=django_settings.JWT_ALGORITHM,
    )
    assert error_codes(me_with(gql, forged)) == ["UNAUTHENTICATED"]
    assert bob.sessions.count() == 1


def test_a_token_without_a_session_still_works_until_it_expires(gql, ada):
    # Tokens issued before sessions existed carry no `sid`; token_version still revokes them.
    gql.login(ada)
    assert gql(SESSIONS)["data"]["me"]["sessions"] == []


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.77", "203.0.113.0/24"),
        ("2001:db8:abcd:12::7", "2001:db8:abcd::/48"),
        ("::ffff:198.51.100.9", "198.51.100.0/24"),
        ("unknown", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_ip_addresses_are_kept_as_their_network(address, network):
    assert truncate_ip(address) == network
