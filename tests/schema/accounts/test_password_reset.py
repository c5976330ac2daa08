"""requestPasswordReset and resetPassword: the same answer for known and unknown addresses,
single-use expiring links, every session logged out, throttling per address and per IP."""

import logging
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import EmailToken, User
from tests.factories import make_user
from tests.helpers import without_cost
from tests.schema.accounts.email_helpers import (
    NEW_PASSWORD,
    REQUEST_RESET,
    RESET_PASSWORD,
    Mutations,
    codes,
)
from tests.schema.accounts.helpers import PASSWORD, REFRESH, error_codes, me_with, token_auth

pytestmark = pytest.mark.django_db

CHANGE_PASSWORD = """
mutation($old: String!, $new: String!) {
  changePassword(oldPassword: $old, newPassword: $new) { errors { code } }
}
"""


@pytest.fixture
def run(gql, django_capture_on_commit_callbacks):
    return Mutations(gql, django_capture_on_commit_callbacks)


@pytest.fixture
def ada():
    return make_user("ada", password=PASSWORD, email="Ada@Example.com")


def request_reset(run, email: str) -> dict:
    return run(REQUEST_RESET, {"email": email})


def reset(run, token: str, new: str = NEW_PASSWORD, **headers) -> dict:
    return run.payload(RESET_PASSWORD, {"token": token, "new": new}, **headers)


def reset_token(run, smtp_server, email: str = "ada@example.com") -> str:
    request_reset(run, email)
    return smtp_server.wait_for(1)[0].token()


def test_a_reset_link_goes_to_the_accounts_address(run, smtp_server, ada):
    result = request_reset(run, "ADA@example.COM")
    assert result["data"]["requestPasswordReset"] == {"ok": True, "errors": []}
    [mail] = smtp_server.wait_for(1)
    assert mail.recipients == ["Ada@example.com"]
    assert mail.subject == "BookNest: Reset your password"
    assert mail.link().startswith("http://testserver/reset-password?token=")
    assert "Hello ada," in mail.text and "1 hour" in mail.text
    assert "Choose a new password" in mail.html
    # Stored as its digest only.
    stored = EmailToken.objects.get()
    assert stored.token_hash != mail.token() and mail.token() not in stored.token_hash


@pytest.mark.parametrize("email", ["nobody@example.com", "disabled@example.com"])
def test_unknown_and_known_addresses_get_identical_answers(run, smtp_server, ada, email):
    make_user("disabled", email="disabled@example.com", is_active=False)
    known = without_cost(request_reset(run, "ada@example.com"))
    smtp_server.wait_for(1)
    other = without_cost(request_reset(run, email))
    assert other == known == {"data": {"requestPasswordReset": {"ok": True, "errors": []}}}
    assert [m.recipients for m in smtp_server.settled()] == [["Ada@example.com"]]
    assert EmailToken.objects.count() == 1


def test_the_answer_does_not_wait_for_the_mail_server(run, smtp_server, ada):
    smtp_server.delay = 1.5  # a slow server: known addresses must not answer more slowly
    started = time.monotonic()
    request_reset(run, "ada@example.com")
    assert time.monotonic() - started < 1.0
    smtp_server.wait_for(1)


@pytest.mark.parametrize("email", ["", "not an address", "a@b@c"])
def test_a_malformed_address_is_refused_the_same_for_everyone(run, smtp_server, email):
    payload = request_reset(run, email)["data"]["requestPasswordReset"]
    assert payload["ok"] is False
    assert codes(payload)[0][1] == "email"
    assert codes(payload)[0][0] in {"INVALID", "REQUIRED"}
    assert smtp_server.settled() == []


def test_reset_password_sets_it_logs_out_everywhere_and_starts_a_session(
    run, smtp_server, gql, ada
):
    old = token_auth(gql, "ada")
    token = reset_token(run, smtp_server)

    payload = reset(run, token, **{"User-Agent": "Reset browser"})

    assert payload["errors"] == []
    assert payload["user"] == {"username": "ada", "email": "Ada@example.com"}
    assert me_with(gql, payload["token"])["data"]["me"] == {"username": "ada"}
    assert error_codes(me_with(gql, old["token"])) == ["UNAUTHENTICATED"]
    assert error_codes(gql(REFRESH, {"refreshToken": old["refreshToken"]})) == ["UNAUTHENTICATED"]
    assert "errors" not in gql(REFRESH, {"refreshToken": payload["refreshToken"]})
    assert ada.sessions.get(revoked_at__isnull=True).user_agent == "Reset browser"
    token_auth(gql, "ada", NEW_PASSWORD)
    assert error_codes(gql(*_login("ada", PASSWORD))) == ["UNAUTHENTICATED"]


def _login(username: str, password: str):
    from tests.schema.accounts.helpers import TOKEN_AUTH

    return TOKEN_AUTH, {"username": username, "password": password}


def test_a_reset_verifies_an_unverified_address(run, smtp_server):
    make_user("ada", password=PASSWORD, email_verified_at=None)
    assert reset(run, reset_token(run, smtp_server))["errors"] == []
    assert User.objects.get(username="ada").email_verified


def test_a_reset_token_works_once(run, smtp_server, ada):
    token = reset_token(run, smtp_server)
    assert reset(run, token)["errors"] == []
    again = reset(run, token, new="yet another passphrase 3")
    assert codes(again) == [("INVALID_TOKEN", "token")]
    assert again["token"] is None and again["user"] is None
    assert User.objects.get(username="ada").check_password(NEW_PASSWORD)


def test_an_expired_reset_token_is_refused(run, smtp_server, ada, settings):
    token = reset_token(run, smtp_server)
    stored = EmailToken.objects.get()
    assert stored.expires_at - stored.created_at == timedelta(seconds=3600)
    EmailToken.objects.update(
        created_at=timezone.now() - timedelta(hours=2),
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    payload = reset(run, token)
    assert codes(payload) == [("INVALID_TOKEN", "token")]
    assert "expired" in payload["errors"][0]["message"]
    assert User.objects.get(username="ada").check_password(PASSWORD)


def test_password_reset_timeout_is_a_setting(run, smtp_server, ada, settings):
    settings.PASSWORD_RESET_TIMEOUT = 600
    request_reset(run, "ada@example.com")
    assert "10 minutes" in smtp_server.wait_for(1)[0].text
    stored = EmailToken.objects.get()
    assert stored.expires_at - stored.created_at == timedelta(seconds=600)


@pytest.mark.parametrize("token", ["", "forged", "A" * 43, "é" * 10, "x" * 5000])
def test_a_forged_reset_token_is_refused(run, smtp_server, ada, token):
    reset_token(run, smtp_server)
    payload = reset(run, token)
    assert codes(payload) == [("INVALID_TOKEN", "token")]
    assert User.objects.get(username="ada").check_password(PASSWORD)


def test_a_verification_token_is_not_a_reset_token(run, smtp_server, ada):
    run.register("bob", "bob@example.com")
    verification = smtp_server.wait_for(1)[0].token()
    assert codes(reset(run, verification)) == [("INVALID_TOKEN", "token")]


def test_a_reset_token_dies_when_the_password_changes_another_way(run, smtp_server, gql, ada):
    token = reset_token(run, smtp_server)
    gql.login(ada)
    changed = gql(CHANGE_PASSWORD, {"old": PASSWORD, "new": "changed the usual way 4"})
    assert changed["data"]["changePassword"]["errors"] == []
    gql.logout()
    payload = reset(run, token)
    assert codes(payload) == [("INVALID_TOKEN", "token")]
    assert "no longer valid" in payload["errors"][0]["message"]


def test_a_weak_new_password_is_refused_and_the_token_kept(run, smtp_server, ada):
    token = reset_token(run, smtp_server)
    weak = reset(run, token, new="ada")
    assert {code for code, _ in codes(weak)} == {"PASSWORD_TOO_WEAK"}
    assert {field for _, field in codes(weak)} == {"newPassword"}
    assert reset(run, token)["errors"] == []


def test_reset_works_for_anyone_holding_the_link(run, smtp_server, gql, ada):
    token = reset_token(run, smtp_server)
    bob = make_user("bob")
    gql.login(bob)  # another reader's session, or a stale header: the token decides
    payload = reset(run, token, Authorization="Bearer stale.token.here")
    assert payload["errors"] == []
    assert payload["user"]["username"] == "ada"
    assert User.objects.get(username="ada").check_password(NEW_PASSWORD)


def test_requests_are_throttled_per_address_whether_or_not_it_has_an_account(
    run, smtp_server, ada, settings
):
    settings.LOGIN_THROTTLE_ACCOUNT_ATTEMPTS = 2
    answers = {}
    for email in ("ada@example.com", "nobody@example.com"):
        for _ in range(2):
            assert request_reset(run, email)["data"]["requestPasswordReset"]["ok"]
        answers[email] = request_reset(run, email.upper())["data"]["requestPasswordReset"]
    known, unknown = answers.values()
    assert known["ok"] is unknown["ok"] is False
    assert codes(known) == codes(unknown) == [("RATE_LIMITED", None)]
    assert len(smtp_server.settled()) == 2  # ada's first two


def test_requests_are_throttled_per_client_ip(run, smtp_server, settings):
    settings.LOGIN_THROTTLE_IP_ATTEMPTS = 3
    for n in range(3):
        assert request_reset(run, f"someone{n}@example.com")["data"]["requestPasswordReset"]["ok"]
    refused = request_reset(run, "someone-else@example.com")["data"]["requestPasswordReset"]
    assert codes(refused) == [("RATE_LIMITED", None)]


def test_tokens_never_reach_the_logs(run, smtp_server, gql, ada, caplog):
    caplog.set_level(logging.DEBUG)
    token = reset_token(run, smtp_server)
    reset(run, token)
    reset(run, token)  # refused: its error message does not quote it either
    assert caplog.records
    logged = "\n".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)
    assert token not in logged


@pytest.mark.parametrize("viewer", ["anonymous", "owner", "another reader"])
def test_request_password_reset_answers_every_viewer_alike(run, smtp_server, gql, ada, viewer):
    if viewer == "owner":
        gql.login(ada)
    elif viewer == "another reader":
        gql.login(make_user("bob"))
    answer = without_cost(request_reset(run, "ada@example.com"))
    assert answer == {"data": {"requestPasswordReset": {"ok": True, "errors": []}}}
    assert [m.recipients for m in smtp_server.wait_for(1)] == [["Ada@example.com"]]
    gql.logout()
    assert reset(run, smtp_server.received[0].token())["user"]["username"] == "ada"
