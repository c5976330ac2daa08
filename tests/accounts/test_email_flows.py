"""The account emails' delivery: after commit only, and a dead mail server harms nothing."""

import pytest
from django.db import transaction

from apps.accounts import email_flows
from booknest.email_url import email_settings
from tests.factories import make_user
from tests.smtp import SMTPServer

pytestmark = pytest.mark.django_db


def test_nothing_is_mailed_when_the_transaction_rolls_back(
    smtp_server, django_capture_on_commit_callbacks
):
    ada = make_user("ada", email_verified_at=None)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        email_flows.send_verification(ada, frontend_url="https://app.example")
        raise RuntimeError("rolled back")
    assert smtp_server.settled() == []

    with django_capture_on_commit_callbacks(execute=True):
        email_flows.send_verification(ada, frontend_url="https://app.example")
    [mail] = smtp_server.wait_for(1)
    assert mail.link().startswith("https://app.example/verify-email?token=")


def test_a_dead_mail_server_is_logged_without_the_token(
    settings, caplog, django_capture_on_commit_callbacks
):
    dead = SMTPServer()  # a free port nobody listens on
    for name, value in email_settings("EMAIL_URL", dead.url).items():
        setattr(settings, name, value)
    ada = make_user("ada")
    with django_capture_on_commit_callbacks(execute=True):
        email_flows.request_password_reset("ada@example.com", frontend_url="https://app")
    from apps.accounts import emails

    emails.drain()
    [record] = [r for r in caplog.records if r.name == "apps.accounts.emails"]
    assert record.levelname == "WARNING"
    assert f"could not send the reset_password email to user {ada.pk}" in record.getMessage()
    assert "token=" not in record.getMessage()
