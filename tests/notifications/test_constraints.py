"""The database refuses notification data that breaks a rule, whatever code path writes it."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from apps.catalog.models import Book
from apps.notifications.models import Notification, NotificationPreference, NotificationType
from tests.factories import (
    make_book,
    make_notification,
    make_notification_preference,
    make_notification_type,
    make_user,
)

pytestmark = pytest.mark.django_db


# --- NotificationType ------------------------------------------------------------------------


def test_notification_type_key_unique():
    make_notification_type("book_club_invite")
    make_notification_type("book_club_invite_reminder")
    with pytest.raises(IntegrityError), transaction.atomic():
        NotificationType.objects.create(key="book_club_invite", name="Invitation")


def test_notification_type_key_set():
    with pytest.raises(IntegrityError, match="notif_type_key_set"), transaction.atomic():
        NotificationType.objects.create(key="", name="Nameless")


# --- Notification ----------------------------------------------------------------------------


def test_notification_target_complete_accepted():
    make_notification()  # about nothing in particular
    make_notification(target=make_book())


@pytest.mark.parametrize("with_type, target_id", [(True, None), (False, 1)])
def test_notification_target_complete(with_type, target_id):
    target_type = ContentType.objects.get_for_model(Book) if with_type else None
    with pytest.raises(IntegrityError, match="notif_target_complete"), transaction.atomic():
        Notification.objects.create(
            recipient=make_user(),
            type=make_notification_type(),
            target_type=target_type,
            target_id=target_id,
        )


def test_notification_target_complete_on_update():
    notification = make_notification(target=make_book())
    with pytest.raises(IntegrityError, match="notif_target_complete"), transaction.atomic():
        Notification.objects.filter(pk=notification.pk).update(target_id=None)


# --- NotificationPreference ------------------------------------------------------------------


def test_notification_preference_once():
    user, notification_type = make_user(), make_notification_type()
    make_notification_preference(user, type=notification_type)
    make_notification_preference(user)  # another type
    make_notification_preference(make_user(), type=notification_type)  # another reader
    with pytest.raises(IntegrityError), transaction.atomic():
        NotificationPreference.objects.create(user=user, type=notification_type, email=True)
