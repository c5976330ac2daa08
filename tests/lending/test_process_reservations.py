"""`manage.py process_reservations` with the clock moved forward: unclaimed copies expire and pass
to the next reader, loans get one due-soon and one overdue notification."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.lending import services
from apps.lending.jobs import process_reservations
from apps.lending.models import Reservation, ReservationStatus
from apps.notifications.models import Notification
from apps.notifications.types import (
    RESERVATION_DUE_SOON,
    RESERVATION_EXPIRED,
    RESERVATION_OVERDUE,
    RESERVATION_READY,
)
from tests.factories import make_book, make_book_copy, make_user

pytestmark = pytest.mark.django_db


def kinds(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user)
        .order_by("id")
        .values_list("type__key", flat=True)
    )


def test_an_unclaimed_copy_expires_and_goes_to_the_next_reader():
    copy = make_book_copy(make_book())
    first, second, third = make_user(), make_user(), make_user()
    held = services.reserve_book(first, copy.book_id)
    waiting = services.reserve_book(second, copy.book_id)
    services.reserve_book(third, copy.book_id)
    assert held.status == ReservationStatus.READY

    # Before the deadline nothing happens.
    assert process_reservations(held.pickup_deadline - timedelta(minutes=1)).expired == 0
    later = held.pickup_deadline + timedelta(minutes=1)
    done = process_reservations(later)
    assert (done.expired, done.handed_over) == (1, 1)

    held.refresh_from_db()
    waiting.refresh_from_db()
    assert held.status == ReservationStatus.EXPIRED and held.ended_at == later
    assert waiting.status == ReservationStatus.READY and waiting.copy_id == copy.pk
    assert waiting.pickup_deadline == later + services.PICKUP_WINDOW
    assert kinds(first) == [RESERVATION_READY, RESERVATION_EXPIRED]
    assert kinds(second) == [RESERVATION_READY]
    assert kinds(third) == []
    # Running again changes nothing: the next reader's window has not passed.
    assert process_reservations(later + timedelta(hours=1)).expired == 0


def test_an_expired_copy_with_nobody_waiting_becomes_free():
    copy = make_book_copy(make_book())
    held = services.reserve_book(make_user(), copy.book_id)
    process_reservations(held.pickup_deadline + timedelta(seconds=1))
    assert list(services.free_copies(copy.book_id)) == [copy]
    # A new reader gets it at once.
    assert services.reserve_book(make_user(), copy.book_id).status == ReservationStatus.READY


def test_a_loan_gets_one_due_soon_and_one_overdue_notification():
    copy = make_book_copy(make_book())
    reader = make_user()
    reservation = services.reserve_book(reader, copy.book_id)
    due = timezone.now() + timedelta(days=10)
    services.lend_copy(copy.owner, reservation.pk, due)

    assert process_reservations(due - timedelta(days=3)).due_soon == 0
    assert process_reservations(due - timedelta(days=2)).due_soon == 1
    assert process_reservations(due - timedelta(days=1)).due_soon == 0  # once only
    assert process_reservations(due - timedelta(seconds=1)).overdue == 0
    assert process_reservations(due + timedelta(hours=1)).overdue == 1
    assert process_reservations(due + timedelta(days=5)).overdue == 0  # once only
    assert kinds(reader) == [RESERVATION_READY, RESERVATION_DUE_SOON, RESERVATION_OVERDUE]
    reservation.refresh_from_db()
    assert reservation.due_soon_notified_at == due - timedelta(days=2)
    assert reservation.status == ReservationStatus.ON_LOAN  # overdue is a reminder, not a change


def test_a_returned_loan_gets_no_overdue_notification():
    copy = make_book_copy(make_book())
    reader = make_user()
    reservation = services.reserve_book(reader, copy.book_id)
    services.lend_copy(copy.owner, reservation.pk)
    services.return_copy(copy.owner, reservation.pk)
    assert process_reservations(timezone.now() + timedelta(days=60)).overdue == 0
    assert kinds(reader) == [RESERVATION_READY]


def test_the_command_reports_what_it_did():
    copy = make_book_copy(make_book())
    held = services.reserve_book(make_user(), copy.book_id)
    Reservation.objects.filter(pk=held.pk).update(
        pickup_deadline=timezone.now() - timedelta(minutes=1)
    )
    out = StringIO()
    call_command("process_reservations", stdout=out)
    assert out.getvalue().strip() == "expired 1 (handed over 0), due soon 0, overdue 0"


def test_readers_hear_live_of_expiry_and_reminders(monkeypatch):
    from apps.lending import jobs

    events = []
    monkeypatch.setattr(
        jobs, "publish_reservation_update", lambda r, change: events.append((r.pk, str(change)))
    )
    copy = make_book_copy(make_book())
    held = services.reserve_book(make_user(), copy.book_id)
    waiting = services.reserve_book(make_user(), copy.book_id)
    process_reservations(held.pickup_deadline + timedelta(seconds=1))
    assert (held.pk, "expired") in events
    waiting.refresh_from_db()
    services.lend_copy(copy.owner, waiting.pk)
    waiting.refresh_from_db()
    process_reservations(waiting.due_at + timedelta(seconds=1))
    assert events[-1] == (waiting.pk, "overdue")
