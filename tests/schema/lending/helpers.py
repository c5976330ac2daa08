"""Shared bits of the lending tests: global ids, and reservations in a given state."""

from datetime import timedelta

from django.utils import timezone
from strawberry.relay import to_base64

from apps.lending.models import BookCopy, Reservation, ReservationStatus
from apps.notifications.models import Notification
from apps.notifications.types import RESERVATION_READY
from tests.factories import make_reservation

TYPE_NAMES = {"Book": "Book", "BookCopy": "BookCopy", "Reservation": "Reservation", "User": "User"}


def gid(obj) -> str:
    """The global id a client would use for a model instance."""
    return to_base64(TYPE_NAMES[type(obj).__name__], obj.pk)


def make_ready(user, copy: BookCopy, **kwargs) -> Reservation:
    now = timezone.now()
    return make_reservation(
        user,
        copy.book,
        copy=copy,
        status=ReservationStatus.READY,
        ready_at=now,
        pickup_deadline=now + timedelta(days=3),
        **kwargs,
    )


def make_on_loan(user, copy: BookCopy, **kwargs) -> Reservation:
    now = timezone.now()
    return make_reservation(
        user,
        copy.book,
        copy=copy,
        status=ReservationStatus.ON_LOAN,
        ready_at=now,
        pickup_deadline=now + timedelta(days=3),
        loaned_at=now,
        due_at=now + timedelta(days=21),
        **kwargs,
    )


def ready_notifications(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, type__key=RESERVATION_READY))


def codes(payload: dict) -> list[tuple[str, str | None]]:
    """The (code, field) of each error of a mutation payload."""
    return [(error["code"], error["field"]) for error in payload["errors"]]


def top_level_codes(response: dict) -> list[str]:
    return [error.get("extensions", {}).get("code") for error in response.get("errors", [])]
