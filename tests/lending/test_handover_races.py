"""Hand-over races in real concurrent transactions (PostgreSQL only; see
tests/schema/lending/test_concurrency.py for why SQLite cannot show them)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections

from apps.core.errors import ServiceError
from apps.lending import jobs, services
from apps.lending.models import Reservation, ReservationStatus
from tests.factories import make_book, make_book_copy, make_user

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks; SQLite serialises whole-database writes instead",
    ),
]


def together(*calls) -> list:
    """Run the calls in threads released at the same moment; their results or ServiceErrors."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except ServiceError as exc:
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_return_copy_and_a_new_reservation_at_the_same_moment():
    """Whichever commits first, the new reader ends up holding the returned copy: never
    WAITING next to a free copy."""
    copy = make_book_copy(make_book())
    borrower, newcomer = make_user(), make_user()
    loan = services.reserve_book(borrower, copy.book_id)
    services.lend_copy(copy.owner, loan.pk)

    returned, reserved = together(
        lambda: services.return_copy(copy.owner, loan.pk),
        lambda: services.reserve_book(newcomer, copy.book_id),
    )
    assert isinstance(returned, Reservation) and isinstance(reserved, Reservation)
    reserved.refresh_from_db()
    assert reserved.status == ReservationStatus.READY and reserved.copy_id == copy.pk
    assert list(services.free_copies(copy.book_id)) == []


def test_expiry_and_cancellation_at_the_same_moment_hand_the_copy_over_once():
    copy = make_book_copy(make_book())
    first, second = make_user(), make_user()
    held = services.reserve_book(first, copy.book_id)
    waiting = services.reserve_book(second, copy.book_id)
    later = held.pickup_deadline + timedelta(seconds=1)

    processed, cancelled = together(
        lambda: jobs.process_reservations(later),
        lambda: services.cancel_reservation(first, held.pk),
    )
    held.refresh_from_db()
    waiting.refresh_from_db()
    # One of the two ended the hold; the copy went to the next reader exactly once.
    assert held.status in (ReservationStatus.EXPIRED, ReservationStatus.CANCELLED)
    assert processed.expired == int(held.status == ReservationStatus.EXPIRED)
    # Cancelling after the expiry is refused (an expired reservation cannot be cancelled).
    assert isinstance(cancelled, Reservation) == (held.status == ReservationStatus.CANCELLED)
    assert waiting.status == ReservationStatus.READY and waiting.copy_id == copy.pk
    assert Reservation.objects.filter(copy=copy, status=ReservationStatus.READY).count() == 1
