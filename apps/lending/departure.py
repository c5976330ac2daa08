"""Lending when a reader deletes their account (apps/accounts/deletion.py), in its transaction.

- Others' loans and holds of the reader's copies are CANCELLED (the copy leaves with its
  owner), and each holder is notified (`reservation_cancelled`, by email too by default).
- Others' past loans of those copies stay in their history, without the copy.
- Readers waiting for a book that nobody else lends any more are cancelled and notified, as
  `reserveBook` would refuse them now.
- The reader's own holds of others' copies end: each copy goes to the next reader in line
  (who is notified that it is ready), as when a hold is cancelled.
"""

from django.utils import timezone

from apps.lending.events import ReservationChange, publish_reservation_update
from apps.lending.models import HOLDING_STATUSES, BookCopy, Reservation, ReservationStatus
from apps.lending.services import _hand_over, _lock_book
from apps.notifications import types
from apps.notifications.services import notify


def _cancel_for_departure(reservation: Reservation, now) -> None:
    reservation.status = ReservationStatus.CANCELLED
    reservation.ended_at = now
    reservation.copy = None
    reservation.save(update_fields=["status", "ended_at", "copy"])
    publish_reservation_update(reservation, ReservationChange.CANCELLED)
    notify(
        reservation.user,
        types.RESERVATION_CANCELLED,
        target=reservation,
        data={"book_id": reservation.book_id, "book_title": reservation.book.title},
    )


def release_for_departure(user) -> None:
    """Unwind the reader's lending before their rows are deleted (see the module's doc)."""
    now = timezone.now()
    own_books = set(BookCopy.objects.filter(owner_id=user.pk).values_list("book_id", flat=True))
    held_books = set(
        Reservation.objects.filter(user_id=user.pk, status__in=HOLDING_STATUSES).values_list(
            "book_id", flat=True
        )
    )
    for book_id in sorted(own_books | held_books):  # one order, so two departures cannot deadlock
        _lock_book(book_id)

    others = Reservation.objects.exclude(user_id=user.pk).select_related("book", "user")
    for reservation in others.filter(copy__owner_id=user.pk, status__in=HOLDING_STATUSES):
        _cancel_for_departure(reservation, now)
    Reservation.objects.filter(copy__owner_id=user.pk).update(copy=None)
    lent_by_others = set(
        BookCopy.objects.filter(book_id__in=own_books, is_active=True)
        .exclude(owner_id=user.pk)
        .values_list("book_id", flat=True)
    )
    stranded = others.filter(
        book_id__in=own_books - lent_by_others, status=ReservationStatus.WAITING
    )
    for reservation in stranded:
        _cancel_for_departure(reservation, now)

    holds = list(
        Reservation.objects.filter(user_id=user.pk, status__in=HOLDING_STATUSES)
        .select_related("copy__owner")
        .order_by("id")
    )
    # Ended, not deleted: the account's deletion removes them with everything that points at
    # them (apps/accounts/deletion.py finds them there).
    Reservation.objects.filter(pk__in=[hold.pk for hold in holds]).update(
        status=ReservationStatus.CANCELLED, ended_at=now
    )
    for hold in holds:
        _hand_over(hold.copy, now)
