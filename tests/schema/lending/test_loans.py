"""Loans: `lendCopy` and `returnCopy` by the copy's owner, and the queue's hand-over on return."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from apps.lending.models import ReservationStatus
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

LEND = """
mutation ($reservationId: ID!, $dueAt: DateTime) {
  lendCopy(reservationId: $reservationId, dueAt: $dueAt) {
    reservation { id status loanedAt dueAt }
    errors { code field message }
  }
}
"""

RETURN = """
mutation ($reservationId: ID!) {
  returnCopy(reservationId: $reservationId) {
    reservation { id status returnedAt copy { id isAvailable } }
    errors { code field message }
  }
}
"""


def lend(gql, user, reservation, due_at: str | None = None) -> dict:
    variables = {"reservationId": gid(reservation), "dueAt": due_at}
    return gql.login(user)(LEND, variables)["data"]["lendCopy"]


def give_back(gql, user, reservation) -> dict:
    return gql.login(user)(RETURN, {"reservationId": gid(reservation)})["data"]["returnCopy"]


# --- lendCopy --------------------------------------------------------------------------------


def test_lend_copy_puts_a_ready_reservation_on_loan_for_21_days(gql):
    copy = make_book_copy()
    held = make_ready(make_user(), copy)
    before = timezone.now()

    payload = lend(gql, copy.owner, held)

    assert payload["errors"] == []
    assert payload["reservation"]["status"] == "ON_LOAN"
    held.refresh_from_db()
    assert before <= held.loaned_at <= timezone.now()
    assert held.due_at - held.loaned_at == timedelta(days=21)
    assert payload["reservation"]["dueAt"] == held.due_at.isoformat()


def test_lend_copy_with_a_due_date(gql):
    copy = make_book_copy()
    held = make_ready(make_user(), copy)
    due = (timezone.now() + timedelta(days=7)).replace(microsecond=0)

    payload = lend(gql, copy.owner, held, due.isoformat())

    held.refresh_from_db()
    assert held.due_at == due
    assert payload["reservation"]["status"] == "ON_LOAN"


def test_lend_copy_reads_a_due_date_without_offset_as_utc(gql):
    copy = make_book_copy()
    held = make_ready(make_user(), copy)
    due = (timezone.now() + timedelta(days=7)).astimezone(UTC).replace(microsecond=0)

    lend(gql, copy.owner, held, due.replace(tzinfo=None).isoformat())

    held.refresh_from_db()
    assert held.due_at == due


@pytest.mark.parametrize("days", [-1, 0, 366])
def test_lend_copy_due_date_must_be_within_a_year_ahead(gql, days):
    copy = make_book_copy()
    held = make_ready(make_user(), copy)
    due = datetime.now(UTC) + timedelta(days=days)
    payload = lend(gql, copy.owner, held, due.isoformat())
    assert codes(payload) == [("INVALID", "dueAt")]
    held.refresh_from_db()
    assert held.status == ReservationStatus.READY


def test_lend_copy_by_the_reader_is_not_allowed(gql):
    reader = make_user()
    held = make_ready(reader, make_book_copy())
    payload = lend(gql, reader, held)
    assert codes(payload) == [("NOT_ALLOWED", "reservationId")]
    assert payload["reservation"] is None


@pytest.mark.parametrize("who", ["another user", "staff"])
def test_lend_copy_by_someone_else_is_not_found(gql, who):
    held = make_ready(make_user(), make_book_copy())
    user = make_user() if who == "another user" else make_superuser()
    assert codes(lend(gql, user, held)) == [("NOT_FOUND", "reservationId")]
    held.refresh_from_db()
    assert held.status == ReservationStatus.READY


def test_lend_copy_anonymous_is_unauthenticated(gql):
    held = make_ready(make_user(), make_book_copy())
    assert top_level_codes(gql(LEND, {"reservationId": gid(held)})) == ["UNAUTHENTICATED"]


def test_lend_copy_wrong_kind_of_id_is_not_found(gql):
    copy = make_book_copy()
    assert codes(lend(gql, copy.owner, copy)) == [("NOT_FOUND", "reservationId")]


@pytest.mark.parametrize("state", ["on loan", "returned", "cancelled"])
def test_lend_copy_not_ready_is_a_conflict(gql, state):
    copy = make_book_copy()
    now = timezone.now()
    if state == "on loan":
        reservation = make_on_loan(make_user(), copy)
    elif state == "returned":
        reservation = make_reservation(
            copy=copy, status=ReservationStatus.RETURNED, returned_at=now
        )
    else:
        reservation = make_reservation(copy=copy, status=ReservationStatus.CANCELLED, ended_at=now)
    assert codes(lend(gql, copy.owner, reservation)) == [("CONFLICT", "reservationId")]


def test_lend_copy_of_a_waiting_reservation_is_not_allowed_for_its_reader(gql):
    reader = make_user()
    waiting = make_reservation(reader)  # no copy yet: nobody but the reader sees it
    assert codes(lend(gql, reader, waiting)) == [("NOT_ALLOWED", "reservationId")]


# --- returnCopy ------------------------------------------------------------------------------


def test_return_copy_ends_the_loan_and_frees_the_copy(gql):
    copy = make_book_copy()
    loan = make_on_loan(make_user(), copy)
    before = timezone.now()

    payload = give_back(gql, copy.owner, loan)

    assert payload["errors"] == []
    assert payload["reservation"]["status"] == "RETURNED"
    assert payload["reservation"]["copy"] == {"id": gid(copy), "isAvailable": True}
    loan.refresh_from_db()
    assert before <= loan.returned_at <= timezone.now()


def test_return_copy_hands_the_copy_to_the_next_reader_in_line(gql):
    book = make_book()
    copy = make_book_copy(book)
    loan = make_on_loan(make_user(), copy)
    first, second = make_user(), make_user()
    first_wait = make_reservation(first, book)
    second_wait = make_reservation(second, book)
    make_reservation(copy.owner, book)  # reserved later, and it is their own copy anyway

    payload = give_back(gql, copy.owner, loan)

    assert payload["reservation"]["copy"]["isAvailable"] is False
    first_wait.refresh_from_db()
    second_wait.refresh_from_db()
    assert (first_wait.status, first_wait.copy_id) == (ReservationStatus.READY, copy.pk)
    assert first_wait.pickup_deadline - first_wait.ready_at == timedelta(days=3)
    assert second_wait.status == ReservationStatus.WAITING
    assert len(ready_notifications(first)) == 1
    assert ready_notifications(second) == []
    # The whole cycle again: the next reader borrows and returns, and the last one is served.
    assert lend(gql, copy.owner, first_wait)["errors"] == []
    assert give_back(gql, copy.owner, first_wait)["errors"] == []
    second_wait.refresh_from_db()
    assert second_wait.status == ReservationStatus.READY


def test_return_copy_skips_a_waiting_reader_who_owns_the_copy(gql):
    book = make_book()
    copy = make_book_copy(book)
    loan = make_on_loan(make_user(), copy)
    own = make_reservation(copy.owner, book)
    other = make_reservation(make_user(), book)

    give_back(gql, copy.owner, loan)

    own.refresh_from_db()
    other.refresh_from_db()
    assert (own.status, other.status) == (ReservationStatus.WAITING, ReservationStatus.READY)


def test_return_copy_by_the_reader_is_not_allowed(gql):
    reader = make_user()
    loan = make_on_loan(reader, make_book_copy())
    assert codes(give_back(gql, reader, loan)) == [("NOT_ALLOWED", "reservationId")]
    loan.refresh_from_db()
    assert loan.status == ReservationStatus.ON_LOAN


@pytest.mark.parametrize("who", ["another user", "staff"])
def test_return_copy_by_someone_else_is_not_found(gql, who):
    loan = make_on_loan(make_user(), make_book_copy())
    user = make_user() if who == "another user" else make_superuser()
    assert codes(give_back(gql, user, loan)) == [("NOT_FOUND", "reservationId")]


def test_return_copy_anonymous_is_unauthenticated(gql):
    loan = make_on_loan(make_user(), make_book_copy())
    assert top_level_codes(gql(RETURN, {"reservationId": gid(loan)})) == ["UNAUTHENTICATED"]


def test_return_copy_not_on_loan_is_a_conflict(gql):
    copy = make_book_copy()
    held = make_ready(make_user(), copy)
    assert codes(give_back(gql, copy.owner, held)) == [("CONFLICT", "reservationId")]
    assert lend(gql, copy.owner, held)["errors"] == []
    assert give_back(gql, copy.owner, held)["errors"] == []
    assert codes(give_back(gql, copy.owner, held)) == [("CONFLICT", "reservationId")]
