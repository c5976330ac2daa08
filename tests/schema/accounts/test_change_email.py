"""changeEmail and confirmEmailChange: a confirmation to the new address, a notice to the old
one, and nothing changes until the new address is confirmed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import EmailToken, User
from tests.factories import make_user
from tests.schema.accounts.email_helpers import (
    CHANGE_EMAIL,
    CONFIRM_EMAIL_CHANGE,
    ME_EMAIL,
    Mutations,
    codes,
)
from tests.schema.accounts.helpers import PASSWORD, error_codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(gql, django_capture_on_commit_callbacks):
    return Mutations(gql, django_capture_on_commit_callbacks)


@pytest.fixture
def ada(gql):
    ada = make_user("ada", password=PASSWORD)
    gql.login(ada)
    return ada


def change(run, new: str = "ada@new.example", password: str = PASSWORD) -> dict:
    return run.payload(CHANGE_EMAIL, {"new": new, "password": password})


def confirm(run, token: str) -> dict:
    return run.payload(CONFIRM_EMAIL_CHANGE, {"token": token})


def confirmation(smtp_server):
    """The confirmation (to the new address) and the notice (to the old) of one change."""
    mails = smtp_server.wait_for(2)
    by_kind = {("notice" if "being changed" in m.subject else "confirm"): m for m in mails}
    return by_kind["confirm"], by_kind["notice"]


def test_change_email_mails_both_addresses_and_changes_nothing_yet(run, smtp_server, gql, ada):
    assert change(run, "Ada@New.Example") == {"sent": True, "errors": []}

    confirm_mail, notice = confirmation(smtp_server)
    assert confirm_mail.recipients == ["Ada@new.example"]
    assert confirm_mail.subject == "BookNest: Confirm your new email address"
    assert confirm_mail.link().startswith("http://testserver/confirm-email-change?token=")
    assert "Ada@new.example" in confirm_mail.text and "Ada@new.example" in confirm_mail.html
    assert notice.recipients == ["ada@example.com"]
    assert "Ada@new.example" in notice.text and "Ada@new.example" in notice.html
    assert "?token=" not in notice.text + notice.html  # the old address cannot confirm it
    assert gql(ME_EMAIL)["data"]["me"] == {"email": "ada@example.com", "emailVerified": True}

    gql.logout()
    assert confirm(run, confirm_mail.token()) == {"user": {"username": "ada"}, "errors": []}
    gql.login(ada)
    assert gql(ME_EMAIL)["data"]["me"] == {"email": "Ada@new.example", "emailVerified": True}


def test_a_confirmation_works_once(run, smtp_server, ada):
    change(run)
    token = confirmation(smtp_server)[0].token()
    assert confirm(run, token)["errors"] == []
    assert codes(confirm(run, token)) == [("INVALID_TOKEN", "token")]


@pytest.mark.parametrize("token", ["", "forged", "A" * 43])
def test_a_forged_confirmation_is_refused(run, smtp_server, ada, token):
    change(run)
    confirmation(smtp_server)
    payload = confirm(run, token)
    assert payload["user"] is None and codes(payload) == [("INVALID_TOKEN", "token")]
    assert User.objects.get(pk=ada.pk).email == "ada@example.com"


def test_an_expired_confirmation_is_refused(run, smtp_server, ada):
    change(run)
    token = confirmation(smtp_server)[0].token()
    EmailToken.objects.update(
        created_at=timezone.now() - timedelta(days=4),
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    assert codes(confirm(run, token)) == [("INVALID_TOKEN", "token")]
    assert User.objects.get(pk=ada.pk).email == "ada@example.com"


def test_a_newer_request_replaces_an_unconfirmed_one(run, smtp_server, ada):
    change(run, "first@new.example")
    first = confirmation(smtp_server)[0].token()
    smtp_server.clear()
    change(run, "second@new.example")
    second = confirmation(smtp_server)[0].token()
    assert codes(confirm(run, first)) == [("INVALID_TOKEN", "token")]
    assert confirm(run, second)["errors"] == []
    assert User.objects.get(pk=ada.pk).email == "second@new.example"


def test_a_password_change_cancels_a_pending_change(run, smtp_server, ada):
    change(run)
    token = confirmation(smtp_server)[0].token()
    ada.set_password("the owner took it back 5")
    ada.save()
    assert codes(confirm(run, token)) == [("INVALID_TOKEN", "token")]
    assert User.objects.get(pk=ada.pk).email == "ada@example.com"


def test_an_address_taken_before_confirmation_is_a_conflict(run, smtp_server, ada):
    change(run)
    token = confirmation(smtp_server)[0].token()
    make_user("bob", email="ADA@new.example")
    assert codes(confirm(run, token)) == [("CONFLICT", None)]
    assert User.objects.get(pk=ada.pk).email == "ada@example.com"


@pytest.mark.parametrize(
    ("new", "password", "expected"),
    [
        ("ada@new.example", "wrong password", [("INVALID_CREDENTIALS", "password")]),
        ("not an address", PASSWORD, [("INVALID", "newEmail")]),
        ("", PASSWORD, [("REQUIRED", "newEmail")]),
        ("BOB@example.com", PASSWORD, [("CONFLICT", "newEmail")]),
        ("ADA@example.com", PASSWORD, [("INVALID", "newEmail")]),
    ],
    ids=["wrong-password", "malformed", "empty", "taken", "same"],
)
def test_a_refused_change_mails_nobody(run, smtp_server, ada, new, password, expected):
    make_user("bob")
    payload = change(run, new, password)
    assert payload["sent"] is False and codes(payload) == expected
    assert smtp_server.settled() == []
    assert not EmailToken.objects.exists()


def test_an_unverified_account_may_not_change_its_address(run, smtp_server, gql):
    gql.login(make_user("ada", password=PASSWORD, email_verified_at=None))
    payload = change(run)
    assert codes(payload) == [("NOT_ALLOWED", None)]
    assert smtp_server.settled() == []


def test_change_email_needs_a_login(run, smtp_server):
    result = run(CHANGE_EMAIL, {"new": "x@new.example", "password": PASSWORD})
    assert error_codes(result) == ["UNAUTHENTICATED"]
    assert smtp_server.settled() == []


def test_change_email_changes_the_viewers_own_address_only(run, smtp_server, gql, ada):
    bob = make_user("bob", password="bobs own passphrase 6")
    gql.login(bob)
    payload = change(run, "new@new.example", PASSWORD)  # ada's password: not bob's
    assert codes(payload) == [("INVALID_CREDENTIALS", "password")]
    assert change(run, "new@new.example", "bobs own passphrase 6")["errors"] == []
    confirm_mail, notice = confirmation(smtp_server)
    assert notice.recipients == ["bob@example.com"]
    assert confirm(run, confirm_mail.token())["user"] == {"username": "bob"}
    assert User.objects.get(pk=ada.pk).email == "ada@example.com"


def test_change_email_is_throttled(run, smtp_server, ada, settings):
    settings.LOGIN_THROTTLE_ACCOUNT_ATTEMPTS = 2
    for _ in range(2):
        change(run, password="wrong password")
    assert codes(change(run)) == [("RATE_LIMITED", None)]
    assert smtp_server.settled() == []


@pytest.mark.parametrize("viewer", ["anonymous", "owner", "another reader"])
def test_the_confirmation_link_works_for_whoever_opens_it(run, smtp_server, gql, ada, viewer):
    change(run)
    token = confirmation(smtp_server)[0].token()
    gql.logout()
    if viewer == "owner":
        gql.login(ada)
    elif viewer == "another reader":
        gql.login(make_user("bob"))
    assert confirm(run, token) == {"user": {"username": "ada"}, "errors": []}
    assert User.objects.get(pk=ada.pk).email == "ada@new.example"
