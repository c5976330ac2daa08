"""Notification emails: sent after commit where the reader's preference says so."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from apps.notifications.models import NotificationType
from apps.notifications.services import notify, update_preferences
from apps.social.services import follow
from booknest.email_url import email_settings
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_email_goes_out_after_commit_when_the_reader_wants_it(
    mailoutbox, django_capture_on_commit_callbacks
):
    ada, bob = make_user("ada"), make_user("bob")
    update_preferences(ada, [{"kind": "new_follower", "email": True}])
    with django_capture_on_commit_callbacks(execute=True):
        follow(bob, ada.pk)
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["ada@example.com"]
    assert mail.subject == "BookNest: New follower"
    assert "bob started following you" in mail.body


def test_no_email_for_a_rolled_back_action(mailoutbox, django_capture_on_commit_callbacks):
    ada, bob = make_user("ada"), make_user("bob")
    update_preferences(ada, [{"kind": "new_follower", "email": True}])
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        follow(bob, ada.pk)
        raise RuntimeError("rolled back")
    assert mailoutbox == []


def test_default_preferences_decide_and_email_only_still_mails(
    mailoutbox, django_capture_on_commit_callbacks
):
    ada, bob = make_user("ada"), make_user("bob")
    with django_capture_on_commit_callbacks(execute=True):
        follow(bob, ada.pk)  # new_follower: in the app only, by default
    assert mailoutbox == []
    update_preferences(ada, [{"kind": "reservation_ready", "in_app": False, "email": True}])
    with django_capture_on_commit_callbacks(execute=True):
        created = notify(
            ada,
            "reservation_ready",
            data={"book_title": "Dune", "location": "Hall", "pickup_deadline": "Friday"},
        )
    assert created is None  # nothing shown in the app …
    assert [m.subject for m in mailoutbox] == ["BookNest: Reservation ready"]  # … but mailed
    assert "“Dune”" in mailoutbox[0].body


def test_kind_description_when_details_are_missing(mailoutbox, django_capture_on_commit_callbacks):
    ada = make_user("ada")
    with django_capture_on_commit_callbacks(execute=True):
        notify(ada, "reservation_ready")  # emailed by default, but no data to fill in
    kind = NotificationType.objects.get(key="reservation_ready")
    assert mailoutbox[0].body.startswith(kind.description)


def test_email_url_forms():
    assert email_settings("EMAIL_URL", "console://")["EMAIL_BACKEND"].endswith(
        "console.EmailBackend"
    )
    smtp = email_settings("EMAIL_URL", "smtp://me%40x.org:p%3Ass@mail.example:2525?tls=true")
    assert smtp["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
    assert (smtp["EMAIL_HOST"], smtp["EMAIL_PORT"]) == ("mail.example", 2525)
    assert (smtp["EMAIL_HOST_USER"], smtp["EMAIL_HOST_PASSWORD"]) == ("me@x.org", "p:ss")
    assert smtp["EMAIL_USE_TLS"] and not smtp["EMAIL_USE_SSL"]
    assert email_settings("EMAIL_URL", "smtps://mail.example")["EMAIL_PORT"] == 465


@pytest.mark.parametrize(
    "url", ["ftp://x", "smtp://", "smtp://h?tls=maybe", "smtp://h:99999", "smtps://h?tls=true"]
)
def test_bad_email_url_names_the_variable(url):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        email_settings("EMAIL_URL", url)
