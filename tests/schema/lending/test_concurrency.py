"""Two readers reserving the last free copy at the same moment, in real concurrent transactions.

PostgreSQL only: SQLite has no row locks (`select_for_update` is a no-op there) and serialises
whole-database writes instead, so it cannot show the race this guards against.
"""

import threading
import time

import pytest
from django.db import connection

from apps.core.errors import ServiceError
from apps.lending import services
from apps.lending.models import Reservation, ReservationStatus
from tests.factories import make_book, make_book_copy, make_user
from tests.schema.lending.helpers import ready_notifications

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks; SQLite serialises whole-database writes instead",
    ),
]


# serialized_rollback: the flush after a transactional test would otherwise also remove the
# notification types that the data migration created, for every later test in this process.
def test_reserve_book_two_readers_race_for_the_last_free_copy(monkeypatch):
    book = make_book()
    copy = make_book_copy(book)
    readers = [make_user(), make_user()]
    barrier = threading.Barrier(len(readers))
    outcomes: dict[int, object] = {}

    # Widen the window between "is a copy free?" and "hold it": without the book lock both
    # readers would see the copy free, and one would fail on the unique constraint.
    free_copies = services.free_copies

    def slow_free_copies(book_id):
        time.sleep(0.3)
        return free_copies(book_id)

    monkeypatch.setattr(services, "free_copies", slow_free_copies)

    def reserve(reader):
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            outcomes[reader.pk] = services.reserve_book(reader, book.pk)
        except ServiceError as exc:
            outcomes[reader.pk] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=reserve, args=(reader,)) for reader in readers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert all(isinstance(outcome, Reservation) for outcome in outcomes.values()), outcomes
    statuses = sorted(Reservation.objects.values_list("status", flat=True))
    assert statuses == [ReservationStatus.READY, ReservationStatus.WAITING]
    ready = Reservation.objects.get(status=ReservationStatus.READY)
    assert ready.copy_id == copy.pk
    assert [len(ready_notifications(reader)) for reader in readers].count(1) == 1
