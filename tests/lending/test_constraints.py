"""The database refuses lending data that breaks a rule, whatever code path writes it."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.lending.models import BookCopy, CopyCondition, Reservation, ReservationStatus
from tests.factories import make_book, make_book_copy, make_reservation, make_user

pytestmark = pytest.mark.django_db


def _status_fields(status: str, copy: BookCopy | None) -> dict:
    """What a reservation in `status` needs besides the status itself."""
    now = timezone.now()
    fields = {"status": status}
    if status in (ReservationStatus.READY, ReservationStatus.ON_LOAN):
        fields["copy"] = copy
        fields["ready_at"] = now
        fields["pickup_deadline"] = now + timedelta(days=3)
    if status == ReservationStatus.ON_LOAN:
        fields.update(loaned_at=now, due_at=now + timedelta(days=21))
    if status == ReservationStatus.RETURNED:
        fields.update(copy=copy, returned_at=now)
    if status in (ReservationStatus.CANCELLED, ReservationStatus.EXPIRED):
        fields["ended_at"] = now
    return fields


# --- BookCopy --------------------------------------------------------------------------------


@pytest.mark.parametrize("condition", CopyCondition.values)
def test_copy_condition_accepts_each_choice(condition):
    assert make_book_copy(condition=condition).condition == condition


def test_copy_condition_valid():
    copy = make_book_copy()
    with pytest.raises(IntegrityError, match="copy_condition_valid"), transaction.atomic():
        BookCopy.objects.filter(pk=copy.pk).update(condition="mint")


# --- Reservation -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", ReservationStatus.values)
def test_reservation_status_accepts_each_choice(status):
    make_reservation(**_status_fields(status, make_book_copy()))


def test_reservation_status_valid():
    reservation = make_reservation()
    with pytest.raises(IntegrityError, match="reservation_status_valid"), transaction.atomic():
        Reservation.objects.filter(pk=reservation.pk).update(status="lost")


@pytest.mark.parametrize(
    "first, second",
    [
        (ReservationStatus.READY, ReservationStatus.READY),
        (ReservationStatus.READY, ReservationStatus.ON_LOAN),
        (ReservationStatus.ON_LOAN, ReservationStatus.ON_LOAN),
    ],
)
def test_reservation_one_holder_per_copy(first, second):
    copy = make_book_copy()
    make_reservation(book=copy.book, **_status_fields(first, copy))
    with pytest.raises(IntegrityError), transaction.atomic():
        make_reservation(book=copy.book, **_status_fields(second, copy))


@pytest.mark.parametrize(
    "earlier", [ReservationStatus.RETURNED, ReservationStatus.CANCELLED, ReservationStatus.EXPIRED]
)
def test_reservation_copy_held_again_after_it_ends(earlier):
    copy = make_book_copy()
    make_reservation(book=copy.book, **_status_fields(earlier, copy))
    make_reservation(book=copy.book, **_status_fields(ReservationStatus.ON_LOAN, copy))
    make_reservation(book=copy.book)  # waiting, no copy yet
    make_reservation(book=copy.book)


@pytest.mark.parametrize(
    "first, second",
    [
        (ReservationStatus.WAITING, ReservationStatus.WAITING),
        (ReservationStatus.WAITING, ReservationStatus.READY),
        (ReservationStatus.READY, ReservationStatus.WAITING),
        (ReservationStatus.ON_LOAN, ReservationStatus.WAITING),
    ],
)
def test_reservation_one_active_per_reader_book(first, second):
    user, book = make_user(), make_book()
    make_reservation(user, book, **_status_fields(first, make_book_copy(book)))
    with pytest.raises(IntegrityError), transaction.atomic():
        make_reservation(user, book, **_status_fields(second, make_book_copy(book)))


@pytest.mark.parametrize(
    "earlier", [ReservationStatus.RETURNED, ReservationStatus.CANCELLED, ReservationStatus.EXPIRED]
)
def test_reservation_again_once_the_first_has_ended(earlier):
    user, book = make_user(), make_book()
    make_reservation(user, book, **_status_fields(earlier, make_book_copy(book)))
    make_reservation(user, book)
    make_reservation(make_user(), book)  # others queue for the same book


def test_reservation_reactivating_a_cancelled_one_is_refused():
    user, book = make_user(), make_book()
    cancelled = make_reservation(user, book, **_status_fields("cancelled", None))
    make_reservation(user, book)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reservation.objects.filter(pk=cancelled.pk).update(status=ReservationStatus.WAITING)


@pytest.mark.parametrize("status", [ReservationStatus.READY, ReservationStatus.ON_LOAN])
def test_reservation_holding_has_copy(status):
    fields = _status_fields(status, None)
    with pytest.raises(IntegrityError, match="reservation_holding_has_copy"), transaction.atomic():
        make_reservation(**fields)


@pytest.mark.parametrize("missing", ["loaned_at", "due_at"])
def test_reservation_loan_has_dates(missing):
    copy = make_book_copy()
    fields = _status_fields(ReservationStatus.ON_LOAN, copy) | {missing: None}
    with pytest.raises(IntegrityError, match="reservation_loan_has_dates"), transaction.atomic():
        make_reservation(book=copy.book, **fields)


def test_reservation_returned_has_date():
    copy = make_book_copy()
    loan = make_reservation(book=copy.book, **_status_fields(ReservationStatus.ON_LOAN, copy))
    name = "reservation_returned_has_date"
    with pytest.raises(IntegrityError, match=name), transaction.atomic():
        Reservation.objects.filter(pk=loan.pk).update(status=ReservationStatus.RETURNED)
    Reservation.objects.filter(pk=loan.pk).update(
        status=ReservationStatus.RETURNED, returned_at=timezone.now()
    )
