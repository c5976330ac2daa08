"""tokenAuth, verifyToken, refreshToken, revokeToken, logoutAll and changePassword."""

import time

import pytest

from apps.accounts.models import RefreshToken
from tests.factories import make_user
from tests.helpers import without_cost
from tests.schema.accounts.helpers import (
    PASSWORD,
    REFRESH,
    TOKEN_AUTH,
    error_codes,
    me_with,
    token_auth,
)

pytestmark = pytest.mark.django_db

VERIFY = "mutation($token: String!) { verifyToken(token: $token) { payload } }"
REVOKE = "mutation($refreshToken: String!) { revokeToken(refreshToken: $refreshToken) { revoked } }"
LOGOUT_ALL = "mutation { logoutAll { ok } }"
CHANGE_PASSWORD = """
mutation($old: String!, $new: String!) {
  changePassword(oldPassword: $old, newPassword: $new) {
    user { username } token refreshToken payload refreshExpiresIn
    errors { code field message }
  }
}
"""
NEW_PASSWORD = "a much longer passphrase 2"


@pytest.fixture
def ada():
    return make_user("Ada", password=PASSWORD, email="Ada@Example.com")


def assert_unauthenticated(result: dict, message: str | None = None) -> None:
    assert error_codes(result) == ["UNAUTHENTICATED"], result
    assert result.get("data") is None
    if message is not None:
        assert result["errors"][0]["message"] == message


def refresh(gql, token: str) -> dict:
    return gql(REFRESH, {"refreshToken": token})


# --- tokenAuth -----------------------------------------------------------------------------


@pytest.mark.parametrize("login", ["ada", "ADA", "ada@example.com", "ADA@EXAMPLE.COM"])
def test_token_auth_by_username_or_email_in_any_case(gql, ada, login):
    session = token_auth(gql, login)

    assert session["user"] == {"username": "Ada"}
    assert session["payload"]["sub"] == str(ada.pk)
    assert session["payload"]["username"] == "Ada"
    assert session["payload"]["type"] == "access"
    expected_expiry = time.time() + 7 * 24 * 3600
    assert abs(session["refreshExpiresIn"] - expected_expiry) < 60
    assert me_with(gql, session["token"])["data"]["me"] == {"username": "Ada"}
    ada.refresh_from_db()
    assert ada.last_login is not None


def test_token_auth_returns_the_users_own_email(gql, ada):
    result = gql(
        'mutation { tokenAuth(username: "ada", password: "' + PASSWORD + '") { user { email } } }'
    )
    assert result["data"]["tokenAuth"]["user"] == {"email": "Ada@example.com"}


@pytest.mark.parametrize(
    ("login", "password"),
    [
        ("ada", "wrong password"),
        ("nobody", PASSWORD),
        ("nobody@example.com", PASSWORD),
        ("", ""),
    ],
)
def test_token_auth_refuses_bad_credentials(gql, ada, login, password):
    result = gql(TOKEN_AUTH, {"username": login, "password": password})

    assert_unauthenticated(result, "Please enter valid credentials")
    assert not RefreshToken.objects.exists()


def test_token_auth_refuses_an_inactive_user(gql, ada):
    ada.is_active = False
    ada.save()

    result = gql(TOKEN_AUTH, {"username": "ada", "password": PASSWORD})

    assert_unauthenticated(result, "Please enter valid credentials")


def test_token_auth_remembers_the_user_agent(gql, ada):
    gql(TOKEN_AUTH, {"username": "ada", "password": PASSWORD}, **{"User-Agent": "Reader/1.0"})

    assert RefreshToken.objects.get().user_agent == "Reader/1.0"


@pytest.mark.parametrize("prefix", ["Bearer", "JWT", "bearer", "jwt"])
def test_both_header_prefixes_authenticate(gql, ada, prefix):
    token = token_auth(gql, "ada")["token"]

    assert me_with(gql, token, prefix)["data"]["me"] == {"username": "Ada"}


def test_me_is_null_without_a_token(gql):
    assert without_cost(gql("{ me { username } }")) == {"data": {"me": None}}


# --- verifyToken ---------------------------------------------------------------------------


def test_verify_token_returns_the_claims_of_a_valid_token(gql, ada):
    session = token_auth(gql, "ada")

    result = gql(VERIFY, {"token": session["token"]})

    assert result["data"]["verifyToken"]["payload"] == session["payload"]


@pytest.mark.parametrize("kind", ["garbage", "refresh token", "revoked"])
def test_verify_token_refuses_what_is_not_a_valid_access_token(gql, ada, kind):
    session = token_auth(gql, "ada")
    token = {"garbage": "not.a.jwt", "refresh token": session["refreshToken"]}.get(kind)
    if kind == "revoked":
        gql.login(ada)
        gql(LOGOUT_ALL)
        gql.logout()
        token = session["token"]

    assert_unauthenticated(gql(VERIFY, {"token": token}))


# --- refreshToken --------------------------------------------------------------------------


def test_refresh_token_rotates(gql, ada):
    first = token_auth(gql, "ada")

    second = refresh(gql, first["refreshToken"])["data"]["refreshToken"]

    assert second["refreshToken"] != first["refreshToken"]
    assert second["payload"]["sub"] == str(ada.pk)
    assert me_with(gql, second["token"])["data"]["me"] == {"username": "Ada"}
    # The spent token is dead; its successor works (once).
    third = refresh(gql, second["refreshToken"])["data"]["refreshToken"]
    assert third["refreshToken"] not in (first["refreshToken"], second["refreshToken"])


def test_reusing_a_rotated_refresh_token_revokes_the_whole_family(gql, ada):
    first = token_auth(gql, "ada")
    second = refresh(gql, first["refreshToken"])["data"]["refreshToken"]
    other_session = token_auth(gql, "ada")

    assert_unauthenticated(refresh(gql, first["refreshToken"]))  # stolen and replayed

    assert_unauthenticated(refresh(gql, second["refreshToken"]))  # the successor died too
    # Another login (another family) is untouched.
    assert "errors" not in refresh(gql, other_session["refreshToken"])


@pytest.mark.parametrize("token", ["", "made-up", "x" * 500])
def test_refresh_token_refuses_unknown_tokens(gql, ada, token):
    assert_unauthenticated(refresh(gql, token), "Invalid refresh token")


def test_refresh_token_refuses_an_access_token(gql, ada):
    session = token_auth(gql, "ada")

    assert_unauthenticated(refresh(gql, session["token"]))


def test_refresh_token_refuses_a_deactivated_user(gql, ada):
    session = token_auth(gql, "ada")
    ada.is_active = False
    ada.save()

    assert_unauthenticated(refresh(gql, session["refreshToken"]))


# --- revokeToken ---------------------------------------------------------------------------


def test_revoke_token_ends_that_session_only(gql, ada):
    first = token_auth(gql, "ada")
    second = token_auth(gql, "ada")

    result = gql(REVOKE, {"refreshToken": first["refreshToken"]})

    assert abs(result["data"]["revokeToken"]["revoked"] - time.time()) < 60
    assert_unauthenticated(refresh(gql, first["refreshToken"]))
    assert "errors" not in refresh(gql, second["refreshToken"])
    # Revoking it again, or a made-up token: nothing to revoke.
    assert_unauthenticated(gql(REVOKE, {"refreshToken": first["refreshToken"]}))
    assert_unauthenticated(gql(REVOKE, {"refreshToken": "made-up"}))


# --- logoutAll -----------------------------------------------------------------------------


def test_logout_all_kills_every_access_and_refresh_token(gql, ada):
    phone = token_auth(gql, "ada")
    laptop = token_auth(gql, "ada")

    result = gql(LOGOUT_ALL, Authorization=f"JWT {phone['token']}")

    assert without_cost(result) == {"data": {"logoutAll": {"ok": True}}}
    for session in (phone, laptop):
        assert_unauthenticated(me_with(gql, session["token"]), "Token has been revoked")
        assert_unauthenticated(refresh(gql, session["refreshToken"]))
    # Logging in again works.
    assert me_with(gql, token_auth(gql, "ada")["token"])["data"]["me"] == {"username": "Ada"}


def test_logout_all_needs_login(gql):
    assert_unauthenticated(gql(LOGOUT_ALL))


# --- changePassword ------------------------------------------------------------------------


def test_change_password_logs_out_other_sessions_and_returns_working_tokens(gql, ada):
    this = token_auth(gql, "ada")
    other = token_auth(gql, "ada")

    result = gql(
        CHANGE_PASSWORD,
        {"old": PASSWORD, "new": NEW_PASSWORD},
        Authorization=f"Bearer {this['token']}",
    )
    payload = result["data"]["changePassword"]

    assert payload["errors"] == [] and payload["user"] == {"username": "Ada"}
    for session in (this, other):
        assert_unauthenticated(me_with(gql, session["token"]))
        assert_unauthenticated(refresh(gql, session["refreshToken"]))
    assert me_with(gql, payload["token"])["data"]["me"] == {"username": "Ada"}
    assert "errors" not in refresh(gql, payload["refreshToken"])
    assert_unauthenticated(gql(TOKEN_AUTH, {"username": "ada", "password": PASSWORD}))
    assert token_auth(gql, "ada", NEW_PASSWORD)["user"] == {"username": "Ada"}


def test_change_password_refuses_a_wrong_old_password(gql, ada):
    gql.login(ada)

    payload = gql(CHANGE_PASSWORD, {"old": "wrong", "new": NEW_PASSWORD})["data"]["changePassword"]

    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("INVALID_CREDENTIALS", "oldPassword")
    ]
    assert payload["token"] is None and payload["user"] is None
    ada.refresh_from_db()
    assert ada.check_password(PASSWORD) and ada.token_version == 0


def test_change_password_validates_the_new_password(gql, ada):
    gql.login(ada)

    payload = gql(CHANGE_PASSWORD, {"old": PASSWORD, "new": "12345"})["data"]["changePassword"]

    assert {(e["code"], e["field"]) for e in payload["errors"]} == {
        ("PASSWORD_TOO_WEAK", "newPassword")
    }
    ada.refresh_from_db()
    assert ada.check_password(PASSWORD)
    assert me_with(gql, gql.headers["Authorization"].split()[1])["data"]["me"] is not None


def test_change_password_needs_login(gql):
    assert_unauthenticated(gql(CHANGE_PASSWORD, {"old": PASSWORD, "new": NEW_PASSWORD}))
