"""Reserving: `reserveBook`, `cancelReservation`, `myReservations`, `Reservation.queuePosition`."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.lending.models import Reservation, ReservationStatus
from apps.notifications.models import NotificationPreference, NotificationType
from apps.notifications.types import RESERVATION_READY
from tests.factories import make_book, make_book_copy, make_reservation, make_superuser, make_user
from tests.schema.lending.helpers import (
    codes,
    gid,
    make_on_loan,
    make_ready,
    ready_notifications,
    top_level_codes,
)

pytestmark = pytest.mark.django_db

RESERVE_BOOK = """
mutation ($bookId: ID!) {
  reserveBook(bookId: $bookId) {
    reservation {
      id status readyAt pickupDeadline queuePosition
      copy { id owner { username } }
      book { title }
      user { username }
    }
    errors { code field message }
  }
}
"""

CANCEL = """
mutation ($reservationId: ID!) {
  cancelReservation(reservationId: $reservationId) {
    reservation { id status endedAt }
    errors { code field message }
  }
}
"""

MY_RESERVATIONS = """
query ($status: [ReservationStatus!], $first: Int) {
  myReservations(status: $status, first: $first) {
    totalCount
    edges { node { id status queuePosition book { title } copy { id } } }
  }
}
"""


def reserve(gql, user, book) -> dict:
    return gql.login(user)(RESERVE_BOOK, {"bookId": gid(book)})["data"]["reserveBook"]


# --- reserveBook -----------------------------------------------------------------------------


def test_reserve_book_with_a_free_copy_is_ready_at_once_and_notifies(gql):
    book = make_book("Dune")
    copy = make_book_copy(book, make_user("ana"))
    reader = make_user("ben")
    before = timezone.now()

    payload = reserve(gql, reader, book)

    assert payload["errors"] == []
    reservation = Reservation.objects.get()
    assert payload["reservation"] == {
        "id": gid(reservation),
        "status": "READY",
        "readyAt": reservation.ready_at.isoformat(),
        "pickupDeadline": reservation.pickup_deadline.isoformat(),
        "queuePosition": None,
        "copy": {"id": gid(copy), "owner": {"username": "ana"}},
        "book": {"title": "Dune"},
        "user": {"username": "ben"},
    }
    assert before <= reservation.ready_at <= timezone.now()
    assert reservation.pickup_deadline - reservation.ready_at == timedelta(days=3)
    [notification] = ready_notifications(reader)
    assert notification.actor == copy.owner
    assert notification.target_id == reservation.pk
    assert notification.data["book_title"] == "Dune"


def test_reserve_book_with_every_copy_held_waits_in_line(gql):
    book = make_book()
    make_ready(make_user(), make_book_copy(book))
    make_reservation(make_user(), book)  # already waiting

    payload = reserve(gql, make_user(), book)

    assert payload["reservation"]["status"] == "WAITING"
    assert payload["reservation"]["copy"] is None
    assert payload["reservation"]["queuePosition"] == 2
    assert payload["reservation"]["readyAt"] is None


def test_reserve_book_skips_the_readers_own_copy(gql):
    book = make_book()
    reader = make_user()
    make_book_copy(book, reader)
    other = make_book_copy(book)

    payload = reserve(gql, reader, book)

    assert payload["reservation"]["status"] == "READY"
    assert payload["reservation"]["copy"]["id"] == gid(other)


def test_reserve_book_when_only_own_copy_is_free_waits(gql):
    book = make_book()
    reader = make_user()
    make_book_copy(book, reader)
    make_on_loan(make_user(), make_book_copy(book))

    assert reserve(gql, reader, book)["reservation"]["status"] == "WAITING"


def test_reserve_book_by_staff_is_an_ordinary_reservation(gql):
    book = make_book()
    make_book_copy(book)
    assert reserve(gql, make_superuser(), book)["reservation"]["status"] == "READY"


def test_reserve_book_honours_an_opted_out_notification_preference(gql):
    book = make_book()
    make_book_copy(book)
    reader = make_user()
    NotificationPreference.objects.create(
        user=reader, type=NotificationType.objects.get(key=RESERVATION_READY), in_app=False
    )
    assert reserve(gql, reader, book)["reservation"]["status"] == "READY"
    assert ready_notifications(reader) == []


def test_reserve_book_anonymous_is_unauthenticated(gql):
    book = make_book()
    make_book_copy(book)
    result = gql(RESERVE_BOOK, {"bookId": gid(book)})
    assert top_level_codes(result) == ["UNAUTHENTICATED"]
    assert not Reservation.objects.exists()


def test_reserve_book_twice_while_active_is_a_conflict(gql):
    book = make_book()
    make_book_copy(book)
    reader = make_user()
    assert reserve(gql, reader, book)["errors"] == []

    payload = reserve(gql, reader, book)

    assert codes(payload) == [("CONFLICT", "bookId")]
    assert payload["reservation"] is None
    assert Reservation.objects.count() == 1


def test_reserve_book_again_after_the_last_one_ended(gql):
    book = make_book()
    make_book_copy(book)
    reader = make_user()
    make_reservation(reader, book, status=ReservationStatus.CANCELLED, ended_at=timezone.now())
    assert reserve(gql, reader, book)["reservation"]["status"] == "READY"


def test_reserve_book_without_copies_is_invalid(gql):
    book = make_book()
    make_book_copy(book, is_active=False)
    assert codes(reserve(gql, make_user(), book)) == [("INVALID", "bookId")]


def test_reserve_book_with_only_own_copies_is_invalid(gql):
    book = make_book()
    reader = make_user()
    make_book_copy(book, reader)
    payload = reserve(gql, reader, book)
    assert codes(payload) == [("INVALID", "bookId")]
    assert "own every copy" in payload["errors"][0]["message"]


def test_reserve_book_unknown_book_is_not_found(gql):
    reader = make_user()
    book = make_book()
    missing = gid(book)
    book.delete()
    gql.login(reader)
    assert codes(gql(RESERVE_BOOK, {"bookId": missing})["data"]["reserveBook"]) == [
        ("NOT_FOUND", "bookId")
    ]
    assert codes(gql(RESERVE_BOOK, {"bookId": gid(reader)})["data"]["reserveBook"]) == [
        ("NOT_FOUND", "bookId")
    ]


# --- cancelReservation -----------------------------------------------------------------------


def test_cancel_waiting_reservation(gql):
    reader = make_user()
    reservation = make_reservation(reader)
    gql.login(reader)

    payload = gql(CANCEL, {"reservationId": gid(reservation)})["data"]["cancelReservation"]

    assert payload["errors"] == []
    assert payload["reservation"]["status"] == "CANCELLED"
    reservation.refresh_from_db()
    assert reservation.ended_at is not None


def test_cancel_ready_reservation_passes_the_copy_to_the_next_in_line(gql):
    book = make_book()
    copy = make_book_copy(book)
    reader, owner_waiting, next_reader, last = make_user(), copy.owner, make_user(), make_user()
    held = make_ready(reader, copy)
    own = make_reservation(owner_waiting, book)  # the owner cannot borrow their own copy
    waiting = make_reservation(next_reader, book)
    behind = make_reservation(last, book)
    gql.login(reader)

    payload = gql(CANCEL, {"reservationId": gid(held)})["data"]["cancelReservation"]

    assert payload["reservation"]["status"] == "CANCELLED"
    waiting.refresh_from_db()
    assert (waiting.status, waiting.copy_id) == (ReservationStatus.READY, copy.pk)
    assert waiting.pickup_deadline is not None
    assert len(ready_notifications(next_reader)) == 1
    own.refresh_from_db()
    behind.refresh_from_db()
    assert (own.status, behind.status) == ("waiting", "waiting")


def test_cancel_ready_reservation_with_nobody_waiting_frees_the_copy(gql):
    copy = make_book_copy()
    reader = make_user()
    held = make_ready(reader, copy)
    gql.login(reader)
    gql(CANCEL, {"reservationId": gid(held)})
    query = "query ($b: ID!) { copies(bookId: $b) { edges { node { isAvailable } } } }"
    assert gql(query, {"b": gid(copy.book)})["data"]["copies"]["edges"] == [
        {"node": {"isAvailable": True}}
    ]


def test_cancel_by_the_copy_owner_is_not_allowed(gql):
    copy = make_book_copy()
    held = make_ready(make_user(), copy)
    gql.login(copy.owner)
    payload = gql(CANCEL, {"reservationId": gid(held)})["data"]["cancelReservation"]
    assert codes(payload) == [("NOT_ALLOWED", "reservationId")]
    assert payload["reservation"] is None


@pytest.mark.parametrize("who", ["another user", "staff"])
def test_cancel_someone_elses_reservation_is_not_found(gql, who):
    reservation = make_reservation(make_user())
    gql.login(make_user() if who == "another user" else make_superuser())
    payload = gql(CANCEL, {"reservationId": gid(reservation)})["data"]["cancelReservation"]
    assert codes(payload) == [("NOT_FOUND", "reservationId")]
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.WAITING


def test_cancel_anonymous_is_unauthenticated(gql):
    reservation = make_reservation()
    assert top_level_codes(gql(CANCEL, {"reservationId": gid(reservation)})) == ["UNAUTHENTICATED"]


@pytest.mark.parametrize("state", ["on loan", "cancelled", "returned"])
def test_cancel_in_a_later_state_is_a_conflict(gql, state):
    reader = make_user()
    copy = make_book_copy()
    now = timezone.now()
    if state == "on loan":
        reservation = make_on_loan(reader, copy)
    elif state == "cancelled":
        reservation = make_reservation(reader, status=ReservationStatus.CANCELLED, ended_at=now)
    else:
        reservation = make_reservation(
            reader, copy=copy, status=ReservationStatus.RETURNED, returned_at=now
        )
    gql.login(reader)
    payload = gql(CANCEL, {"reservationId": gid(reservation)})["data"]["cancelReservation"]
    assert codes(payload) == [("CONFLICT", "reservationId")]


# --- myReservations and queuePosition --------------------------------------------------------


def test_my_reservations_newest_first_with_a_status_filter(gql):
    reader = make_user()
    book = make_book("Waiting")
    make_on_loan(make_user(), make_book_copy(book))
    make_reservation(make_user(), book)
    waiting = make_reservation(reader, book)
    lent = make_on_loan(reader, make_book_copy())
    make_reservation(make_user())  # someone else's
    gql.login(reader)

    every = gql(MY_RESERVATIONS)["data"]["myReservations"]
    only_waiting = gql(MY_RESERVATIONS, {"status": ["WAITING"]})["data"]["myReservations"]

    assert every["totalCount"] == 2
    assert [e["node"]["id"] for e in every["edges"]] == [gid(lent), gid(waiting)]
    assert [e["node"] for e in only_waiting["edges"]] == [
        {
            "id": gid(waiting),
            "status": "WAITING",
            "queuePosition": 2,
            "book": {"title": "Waiting"},
            "copy": None,
        }
    ]
    assert every["edges"][0]["node"]["queuePosition"] is None


def test_my_reservations_requires_login(gql):
    assert top_level_codes(gql(MY_RESERVATIONS)) == ["UNAUTHENTICATED"]


def test_queue_positions_follow_the_queue_after_a_cancellation(gql):
    book = make_book()
    make_on_loan(make_user(), make_book_copy(book))
    readers = [make_user() for _ in range(3)]
    reservations = [make_reservation(reader, book) for reader in readers]
    gql.login(readers[0])
    gql(CANCEL, {"reservationId": gid(reservations[0])})

    positions = [
        gql.login(reader)(MY_RESERVATIONS, {"status": ["WAITING"]})["data"]["myReservations"]
        for reader in readers[1:]
    ]

    assert [p["edges"][0]["node"]["queuePosition"] for p in positions] == [1, 2]


def _my_reservations_query_count(gql, size: int) -> int:
    reader = make_user()
    for _ in range(size):
        book = make_book()
        make_on_loan(make_user(), make_book_copy(book))
        make_reservation(make_user(), book)
        make_reservation(reader, book)
    gql.login(reader)
    with CaptureQueriesContext(connection) as queries:
        result = gql.once(MY_RESERVATIONS, {"first": 50})
    assert [e["node"]["queuePosition"] for e in result["data"]["myReservations"]["edges"]] == [
        2
    ] * size
    return len(queries)


def test_my_reservations_query_count_does_not_grow_with_page_size(gql):
    small, large = _my_reservations_query_count(gql, 2), _my_reservations_query_count(gql, 20)
    assert small == large <= 8


# --- who sees a reservation ------------------------------------------------------------------


def test_a_reservation_is_seen_by_its_reader_and_the_copy_owner_only(gql):
    copy = make_book_copy()
    reader = make_user()
    held = make_ready(reader, copy)
    query = "query ($id: ID!) { node(id: $id) { id ... on Reservation { status } } }"

    def node(user):
        gql.login(user) if user else gql.logout()
        result = gql(query, {"id": gid(held)})
        # Hidden is the same as absent: the node is not there, exactly as for an unknown id.
        return (result["data"] or {}).get("node")

    seen = {
        "reader": node(reader),
        "owner": node(copy.owner),
        "stranger": node(make_user()),
        "staff": node(make_superuser()),
        "anonymous": node(None),
    }

    assert seen == {
        "reader": {"id": gid(held), "status": "READY"},
        "owner": {"id": gid(held), "status": "READY"},
        "stranger": None,
        "staff": None,
        "anonymous": None,
    }
