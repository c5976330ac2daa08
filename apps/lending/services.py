"""Lending: readers share physical copies through a first-come reservation queue per book.

A reservation starts WAITING in its book's queue (ordered by `reserved_at`, then id). When a
copy is free it goes to the first waiting reader who does not own it: the reservation becomes
READY with that copy and a pickup deadline, and the reader is notified in the same
transaction. The owner lends it (ON_LOAN, with a due date) and later records its return
(RETURNED), which hands the copy to the next reader in line; cancelling a READY reservation
does the same.

Invariant: a free copy (active, not held by a READY or ON_LOAN reservation) never has an
eligible reader waiting for it. Every operation that frees or adds a copy restores it, and
every operation that changes a book's copies or queue first locks the book's row, so two
readers racing for the last free copy end up one READY and one WAITING. The partial unique
constraint `reservation_one_holder_per_copy` is the last line of defence.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from apps.accounts.models import User
from apps.catalog.models import Book, Edition
from apps.catalog.selectors import current_book
from apps.core.errors import Conflict, Invalid, NotAllowed, NotFound
from apps.core.validation import clean_text
from apps.lending.events import ReservationChange, publish_reservation_update
from apps.lending.models import (
    ACTIVE_STATUSES,
    HOLDING_STATUSES,
    BookCopy,
    CopyCondition,
    Reservation,
    ReservationStatus,
)
from apps.notifications import types
from apps.notifications.services import notify
from apps.social.blocking import blocked_with, not_blocked_q

# Fixed for now; candidates for settings once libraries ask for their own policies.
PICKUP_WINDOW = timedelta(days=3)
LOAN_PERIOD = timedelta(days=21)
MAX_LOAN_PERIOD = timedelta(days=365)

LOCATION_MAX = BookCopy._meta.get_field("location").max_length
NOTES_MAX = BookCopy._meta.get_field("notes").max_length


# --- locking and lookups ---------------------------------------------------------------------


def _lock_book(book_id: int, *, field: str = "book_id") -> Book:
    """The book, its row locked until the transaction ends: serialises its copies and queue.

    `no_key` (PostgreSQL FOR NO KEY UPDATE) so rows that merely reference the book (ratings,
    shelves) can still be inserted meanwhile.
    """
    book = Book.objects.select_for_update(no_key=True).filter(pk=book_id).first()
    if book is None:
        raise NotFound("No book with this id.", field=field)
    return book


def _is_held_q():
    return Exists(Reservation.objects.filter(copy=OuterRef("pk"), status__in=HOLDING_STATUSES))


def free_copies(book_id: int):
    """Active copies of the book that no READY or ON_LOAN reservation holds, oldest first."""
    return (
        BookCopy.objects.filter(book_id=book_id, is_active=True)
        .exclude(_is_held_q())
        .order_by("created_at", "id")
    )


def _visible_reservation(user: User, reservation_id: int, *, for_update: bool) -> Reservation:
    """The reservation, if `user` may see it (its reader, or the owner of the copy it holds).

    The book is locked first (always book, then reservation), and the reservation re-read.
    """
    reservation = Reservation.objects.select_related("copy").filter(pk=reservation_id).first()
    if reservation is None or user.pk not in (
        reservation.user_id,
        reservation.copy.owner_id if reservation.copy else None,
    ):
        raise NotFound("No reservation with this id.", field="reservation_id")
    if for_update:
        _lock_book(reservation.book_id, field="reservation_id")
        reservation = (
            Reservation.objects.select_for_update(of=("self",))
            .select_related("copy")
            .get(pk=reservation.pk)
        )
    return reservation


# --- the queue -------------------------------------------------------------------------------


def _make_ready(reservation: Reservation, copy: BookCopy, now: datetime) -> Reservation:
    """Hold `copy` for the reader and tell them, in the caller's transaction."""
    reservation.status = ReservationStatus.READY
    reservation.copy = copy
    reservation.ready_at = now
    reservation.pickup_deadline = now + PICKUP_WINDOW
    try:
        with transaction.atomic():  # a savepoint, so a refused update leaves the outer one usable
            reservation.save(update_fields=["status", "copy", "ready_at", "pickup_deadline"])
    except IntegrityError as exc:
        raise Conflict("This copy was just taken; try again.", field="book_id") from exc
    publish_reservation_update(reservation, ReservationChange.READY)
    notify(
        reservation.user,
        types.RESERVATION_READY,
        actor=copy.owner,
        target=reservation,
        data={
            "book_id": reservation.book_id,
            "book_title": reservation.book.title,
            "copy_id": copy.pk,
            "location": copy.location,
            "pickup_deadline": reservation.pickup_deadline.isoformat(),
        },
    )
    return reservation


def _hand_over(copy: BookCopy, now: datetime) -> Reservation | None:
    """Give a copy that just became free to the first waiting reader who does not own it."""
    if not copy.is_active:
        return None
    next_in_line = (
        Reservation.objects.select_for_update(of=("self",))
        .select_related("book", "user")
        .filter(book_id=copy.book_id, status=ReservationStatus.WAITING)
        .exclude(user_id=copy.owner_id)
        .exclude(user_id__in=blocked_with(copy.owner_id))
        .order_by("reserved_at", "id")
        .first()
    )
    if next_in_line is None:
        return None
    return _make_ready(next_in_line, copy, now)


# --- copies ----------------------------------------------------------------------------------


def add_copy(
    user: User,
    book_id: int,
    *,
    condition: str = CopyCondition.GOOD,
    location: str = "",
    notes: str = "",
    edition_id: int | None = None,
) -> BookCopy:
    """`user` offers a copy of a book (of `edition_id`, one of its editions, when given) for
    lending. If readers are waiting for the book, the first of them becomes READY with it at
    once (and is notified)."""
    if condition not in CopyCondition.values:
        raise Invalid("Unknown condition.", field="condition")
    location = clean_text(location, field="location", max_length=LOCATION_MAX)
    notes = clean_text(notes, field="notes", max_length=NOTES_MAX)
    book = current_book(book_id)
    if book is None:
        raise NotFound("No book with this id.", field="book_id")
    edition = None
    if edition_id is not None:
        edition = Edition.objects.filter(pk=edition_id).first()
        if edition is None:
            raise NotFound("No edition with this id.", field="edition_id")
        if edition.book_id != book.pk:
            raise Invalid("This edition is not an edition of this book.", field="edition_id")
    with transaction.atomic():
        _lock_book(book.pk)
        copy = BookCopy.objects.create(
            book=book,
            edition=edition,
            owner=user,
            condition=condition,
            location=location,
            notes=notes,
        )
        _hand_over(copy, timezone.now())
    return copy


def withdraw_copy(user: User, copy_id: int) -> BookCopy:
    """The owner stops lending a copy. Refused (CONFLICT) while a reservation holds it, or if
    it is already withdrawn."""
    copy = BookCopy.objects.filter(pk=copy_id).first()
    if copy is None:
        raise NotFound("No copy with this id.", field="copy_id")
    if copy.owner_id != user.pk:
        raise NotAllowed("Only the copy's owner may withdraw it.", field="copy_id")
    with transaction.atomic():
        _lock_book(copy.book_id, field="copy_id")
        copy = BookCopy.objects.select_for_update().get(pk=copy.pk)
        if not copy.is_active:
            raise Conflict("This copy is already withdrawn.", field="copy_id")
        if Reservation.objects.filter(copy=copy, status__in=HOLDING_STATUSES).exists():
            raise Conflict(
                "A reader holds or borrows this copy; withdraw it once it is back.",
                field="copy_id",
            )
        copy.is_active = False
        copy.save(update_fields=["is_active", "updated_at"])
    return copy


# --- reservations ----------------------------------------------------------------------------


def reserve_book(user: User, book_id: int) -> Reservation:
    """`user` joins the book's queue. If a copy they do not own is free right now, the
    reservation is READY at once with that copy, and the reader is notified.

    Refused: a book with no active copy, or only the reader's own (INVALID); a second active
    reservation of the same book by the same reader (CONFLICT).
    """
    book = current_book(book_id)
    if book is None:
        raise NotFound("No book with this id.", field="book_id")
    with transaction.atomic():
        book = _lock_book(book.pk)
        owners = set(
            BookCopy.objects.filter(book=book, is_active=True).values_list("owner_id", flat=True)
        )
        if not owners:
            raise Invalid("Nobody lends a copy of this book yet.", field="book_id")
        if owners == {user.pk}:
            raise Invalid("You own every copy of this book.", field="book_id")
        if not owners - {user.pk} - blocked_with(user.pk):
            # Copies across a block are absent, as if nobody lent one.
            raise Invalid("Nobody lends a copy of this book yet.", field="book_id")
        if Reservation.objects.filter(user=user, book=book, status__in=ACTIVE_STATUSES).exists():
            raise Conflict("You already have an active reservation of this book.", field="book_id")
        try:
            with transaction.atomic():
                reservation = Reservation.objects.create(user=user, book=book)
        except IntegrityError as exc:  # reservation_one_active_per_reader_book
            raise Conflict(
                "You already have an active reservation of this book.", field="book_id"
            ) from exc
        copy = (
            free_copies(book.pk)
            .exclude(owner=user)
            .filter(not_blocked_q(user, owner="owner"))
            .select_related("owner")
            .first()
        )
        if copy is not None:
            _make_ready(reservation, copy, timezone.now())
    return reservation


def cancel_reservation(user: User, reservation_id: int) -> Reservation:
    """The reader leaves the queue, or gives up a copy held for them; a held copy goes to the
    next reader in line. Only WAITING and READY reservations can be cancelled."""
    with transaction.atomic():
        reservation = _visible_reservation(user, reservation_id, for_update=True)
        if reservation.user_id != user.pk:
            raise NotAllowed("Only the reader who reserved may cancel.", field="reservation_id")
        if reservation.status not in (ReservationStatus.WAITING, ReservationStatus.READY):
            raise Conflict(
                f"A reservation that is {reservation.get_status_display().lower()} "
                "cannot be cancelled.",
                field="reservation_id",
            )
        now = timezone.now()
        was_holding = reservation.status == ReservationStatus.READY
        reservation.status = ReservationStatus.CANCELLED
        reservation.ended_at = now
        reservation.save(update_fields=["status", "ended_at"])
        publish_reservation_update(reservation, ReservationChange.CANCELLED)
        if was_holding:
            _hand_over(reservation.copy, now)
    return reservation


def lend_copy(user: User, reservation_id: int, due_at: datetime | None = None) -> Reservation:
    """The copy's owner hands a READY copy to the reader: ON_LOAN until `due_at` (default: in
    21 days; it must lie in the future, at most a year ahead)."""
    now = timezone.now()
    if due_at is not None and timezone.is_naive(due_at):
        due_at = timezone.make_aware(due_at)  # a date-time without an offset is in TIME_ZONE
    if due_at is not None and not now < due_at <= now + MAX_LOAN_PERIOD:
        raise Invalid("The due date must lie in the future, at most a year ahead.", field="due_at")
    with transaction.atomic():
        reservation = _visible_reservation(user, reservation_id, for_update=True)
        _require_copy_owner(user, reservation, "lend it")
        if reservation.status != ReservationStatus.READY:
            raise Conflict("Only a reservation that is ready can be lent.", field="reservation_id")
        reservation.status = ReservationStatus.ON_LOAN
        reservation.loaned_at = now
        reservation.due_at = due_at or now + LOAN_PERIOD
        reservation.save(update_fields=["status", "loaned_at", "due_at"])
        publish_reservation_update(reservation, ReservationChange.ON_LOAN)
    return reservation


def return_copy(user: User, reservation_id: int) -> Reservation:
    """The copy's owner records that a lent copy came back; it goes to the next reader in line."""
    with transaction.atomic():
        reservation = _visible_reservation(user, reservation_id, for_update=True)
        _require_copy_owner(user, reservation, "record its return")
        if reservation.status != ReservationStatus.ON_LOAN:
            raise Conflict("Only a copy on loan can be returned.", field="reservation_id")
        now = timezone.now()
        reservation.status = ReservationStatus.RETURNED
        reservation.returned_at = now
        reservation.save(update_fields=["status", "returned_at"])
        publish_reservation_update(reservation, ReservationChange.RETURNED)
        _hand_over(reservation.copy, now)
    return reservation


def _require_copy_owner(user: User, reservation: Reservation, action: str) -> None:
    if reservation.copy is None or reservation.copy.owner_id != user.pk:
        raise NotAllowed(f"Only the copy's owner may {action}.", field="reservation_id")
