"""register's verification email, verifyEmail, requestEmailVerification, User.emailVerified,
and what an unverified account does not get (notification emails)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import EmailToken, User
from apps.notifications.services import update_preferences
from apps.social.services import follow
from tests.factories import make_user
from tests.schema.accounts.email_helpers import (
    ME_EMAIL,
    REQUEST_VERIFICATION,
    VERIFY_EMAIL,
    Mutations,
    codes,
)
from tests.schema.accounts.helpers import error_codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(gql, django_capture_on_commit_callbacks):
    return Mutations(gql, django_capture_on_commit_callbacks)


def verify(run, token: str) -> dict:
    return run.payload(VERIFY_EMAIL, {"token": token})


def test_register_mails_a_verification_link_that_verifies_the_address(run, smtp_server, gql):
    registered = run.register(email="Ada@Example.com")
    assert registered["errors"] == []
    gql.headers["Authorization"] = f"Bearer {registered['token']}"
    assert gql(ME_EMAIL)["data"]["me"] == {"email": "Ada@example.com", "emailVerified": False}

    [mail] = smtp_server.wait_for(1)
    assert mail.recipients == ["Ada@example.com"]
    assert mail.message["To"] == "Ada@example.com"
    assert mail.subject == "BookNest: Confirm your email address"
    assert mail.link().startswith("http://testserver/verify-email?token=")
    assert "Hello ada," in mail.text and "Ada@example.com" in mail.text
    assert "<a href=" in mail.html and "Confirm my email address" in mail.html
    assert "3 days" in mail.text

    gql.logout()  # the link is opened anywhere, logged in or not
    assert verify(run, mail.token()) == {"user": {"username": "ada"}, "errors": []}
    gql.headers["Authorization"] = f"Bearer {registered['token']}"
    assert gql(ME_EMAIL)["data"]["me"]["emailVerified"] is True


def test_the_link_points_at_frontend_url_when_set(run, smtp_server, settings):
    settings.FRONTEND_URL = "https://app.example.org/booknest"
    run.register()
    [mail] = smtp_server.wait_for(1)
    assert mail.link().startswith("https://app.example.org/booknest/verify-email?token=")


def test_a_refused_registration_mails_nothing(run, smtp_server):
    make_user("ada", email="someone@example.com")
    assert codes(run.register("ada")) == [("CONFLICT", "username")]
    assert smtp_server.settled() == []


def test_a_verification_token_works_once(run, smtp_server):
    run.register()
    token = smtp_server.wait_for(1)[0].token()
    assert verify(run, token)["errors"] == []
    again = verify(run, token)
    assert again["user"] is None
    assert codes(again) == [("INVALID_TOKEN", "token")]
    assert again["errors"][0]["message"] == "This link was already used."


@pytest.mark.parametrize(
    "token",
    ["", "forged-token", "A" * 43, "x" * 5000],
    ids=["empty", "forged", "token-shaped", "huge"],
)
def test_a_forged_verification_token_is_refused(run, smtp_server, token):
    run.register()
    smtp_server.wait_for(1)
    payload = verify(run, token)
    assert codes(payload) == [("INVALID_TOKEN", "token")]
    assert payload["errors"][0]["message"] == "This link is not valid."
    assert not User.objects.get(username="ada").email_verified


def test_an_expired_verification_token_is_refused(run, smtp_server):
    run.register()
    token = smtp_server.wait_for(1)[0].token()
    EmailToken.objects.update(
        created_at=timezone.now() - timedelta(days=4),
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    payload = verify(run, token)
    assert codes(payload) == [("INVALID_TOKEN", "token")]
    assert "expired" in payload["errors"][0]["message"]
    assert not User.objects.get(username="ada").email_verified


def test_a_token_for_an_address_the_account_no_longer_has_is_refused(run, smtp_server):
    run.register()
    token = smtp_server.wait_for(1)[0].token()
    User.objects.filter(username="ada").update(email="ada@elsewhere.example")
    assert codes(verify(run, token)) == [("INVALID_TOKEN", "token")]
    assert not User.objects.get(username="ada").email_verified


def test_another_readers_login_does_not_matter_the_token_verifies_its_own_account(
    run, smtp_server, gql
):
    run.register()
    token = smtp_server.wait_for(1)[0].token()
    bob = make_user("bob", email_verified_at=None)
    gql.login(bob)
    assert verify(run, token) == {"user": {"username": "ada"}, "errors": []}
    assert User.objects.get(username="ada").email_verified
    assert not User.objects.get(username="bob").email_verified


def test_verify_email_works_with_a_stale_authorization_header(run, smtp_server):
    run.register()
    token = smtp_server.wait_for(1)[0].token()
    result = run(VERIFY_EMAIL, {"token": token}, Authorization="Bearer expired.or.bad")
    assert result["data"]["verifyEmail"]["errors"] == []


# --- requestEmailVerification ----------------------------------------------------------------


def test_request_email_verification_mails_the_viewer_a_fresh_working_link(run, smtp_server, gql):
    ada = make_user("ada", email_verified_at=None)
    gql.login(ada)
    assert run.payload(REQUEST_VERIFICATION) == {"sent": True, "errors": []}
    [mail] = smtp_server.wait_for(1)
    assert mail.recipients == ["ada@example.com"]
    assert "verify-email?token=" in mail.link()
    assert mail.text and mail.html
    assert verify(run, mail.token())["errors"] == []
    ada.refresh_from_db()
    assert ada.email_verified


def test_request_email_verification_for_a_verified_address_is_a_conflict(run, smtp_server, gql):
    gql.login(make_user("ada"))
    payload = run.payload(REQUEST_VERIFICATION)
    assert payload["sent"] is False
    assert codes(payload) == [("CONFLICT", None)]
    assert smtp_server.settled() == []


def test_request_email_verification_mails_only_the_viewer(run, smtp_server, gql):
    make_user("ada", email_verified_at=None)
    gql.login(make_user("bob", email_verified_at=None))
    run.payload(REQUEST_VERIFICATION)
    assert [m.recipients for m in smtp_server.wait_for(1)] == [["bob@example.com"]]
    assert [m.recipients for m in smtp_server.settled()] == [["bob@example.com"]]


def test_request_email_verification_needs_a_login(run, smtp_server):
    result = run(REQUEST_VERIFICATION)
    assert error_codes(result) == ["UNAUTHENTICATED"]
    assert smtp_server.settled() == []


def test_request_email_verification_is_throttled(run, smtp_server, gql, settings):
    settings.LOGIN_THROTTLE_ACCOUNT_ATTEMPTS = 2
    gql.login(make_user("ada", email_verified_at=None))
    assert [run.payload(REQUEST_VERIFICATION)["sent"] for _ in range(2)] == [True, True]
    refused = run.payload(REQUEST_VERIFICATION)
    assert refused["sent"] is False
    assert codes(refused) == [("RATE_LIMITED", None)]
    assert "Try again in" in refused["errors"][0]["message"]
    assert len(smtp_server.settled()) == 2


# --- User.emailVerified and what unverified accounts miss ------------------------------------

USER_EMAIL_VERIFIED = "query($u: String!) { user(username: $u) { emailVerified } }"


def test_email_verified_is_for_its_owner_only(gql):
    make_user("ada")
    assert error_codes(gql(USER_EMAIL_VERIFIED, {"u": "ada"})) == ["UNAUTHENTICATED"]
    gql.login(make_user("bob"))
    assert error_codes(gql(USER_EMAIL_VERIFIED, {"u": "ada"})) == ["NOT_ALLOWED"]
    assert gql(USER_EMAIL_VERIFIED, {"u": "bob"})["data"]["user"] == {"emailVerified": True}


def test_an_unverified_reader_gets_no_notification_emails(
    smtp_server, django_capture_on_commit_callbacks
):
    ada, bob = make_user("ada", email_verified_at=None), make_user("bob")
    carol = make_user("carol")
    for reader in (ada, carol):
        update_preferences(reader, [{"kind": "new_follower", "email": True}])
    with django_capture_on_commit_callbacks(execute=True):
        follow(bob, ada.pk)
        follow(bob, carol.pk)
    assert [m.recipients for m in smtp_server.settled()] == [["carol@example.com"]]
