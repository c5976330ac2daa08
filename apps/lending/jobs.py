"""The periodic lending job (`manage.py process_reservations`, e.g. every 15 minutes):

- a READY reservation whose pickup deadline passed EXPIRES (the reader is told), and its copy
  goes to the next reader in line (READY, told too);
- a loan due within `DUE_SOON_BEFORE` gets one `reservation_due_soon` reminder;
- a loan past its due date gets one `reservation_overdue` notification.

Each reservation is handled in its own transaction with its book's row locked (the order of
`apps.lending.services`), and re-checked under the lock, so the job may run next to readers
and owners (or overlap itself) without handing a copy out twice or notifying twice: the
reminder's `*_notified_at` is claimed by a conditional UPDATE before the notification goes out.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from apps.lending.events import ReservationChange, publish_reservation_update
from apps.lending.models import Reservation, ReservationStatus
from apps.lending.services import _hand_over, _lock_book
from apps.notifications import types
from apps.notifications.services import notify

DUE_SOON_BEFORE = timedelta(days=2)


@dataclass
class Processed:
    expired: int = 0
    handed_over: int = 0
    due_soon: int = 0
    overdue: int = 0


def process_reservations(now: datetime | None = None) -> Processed:
    now = now or timezone.now()
    done = Processed()
    expired_ids = Reservation.objects.filter(
        status=ReservationStatus.READY, pickup_deadline__lt=now
    ).values_list("pk", flat=True)
    for reservation_id in list(expired_ids):
        expired, handed = _expire(reservation_id, now)
        done.expired += expired
        done.handed_over += handed
    done.due_soon = _remind(
        "due_soon_notified_at",
        types.RESERVATION_DUE_SOON,
        ReservationChange.DUE_SOON,
        now,
        due_at__gt=now,
        due_at__lte=now + DUE_SOON_BEFORE,
    )
    done.overdue = _remind(
        "overdue_notified_at",
        types.RESERVATION_OVERDUE,
        ReservationChange.OVERDUE,
        now,
        due_at__lte=now,
    )
    return done


def _expire(reservation_id: int, now: datetime) -> tuple[int, int]:
    with transaction.atomic():
        book_id = Reservation.objects.values_list("book_id", flat=True).get(pk=reservation_id)
        _lock_book(book_id)
        reservation = (
            Reservation.objects.select_for_update(of=("self",))
            .select_related("book", "copy", "copy__owner", "user")
            .get(pk=reservation_id)
        )
        if reservation.status != ReservationStatus.READY or reservation.pickup_deadline >= now:
            return 0, 0  # picked up or cancelled meanwhile
        reservation.status = ReservationStatus.EXPIRED
        reservation.ended_at = now
        reservation.save(update_fields=["status", "ended_at"])
        publish_reservation_update(reservation, ReservationChange.EXPIRED)
        notify(
            reservation.user,
            types.RESERVATION_EXPIRED,
            target=reservation,
            data={"book_id": reservation.book_id, "book_title": reservation.book.title},
        )
        next_in_line = _hand_over(reservation.copy, now)
    return 1, int(next_in_line is not None)


def _remind(flag: str, type_key: str, change: ReservationChange, now: datetime, **due) -> int:
    candidates = Reservation.objects.filter(
        status=ReservationStatus.ON_LOAN, **{f"{flag}__isnull": True}, **due
    ).select_related("book", "user")
    sent = 0
    for reservation in candidates:
        with transaction.atomic():
            claimed = Reservation.objects.filter(
                pk=reservation.pk, status=ReservationStatus.ON_LOAN, **{f"{flag}__isnull": True}
            ).update(**{flag: now})
            if not claimed:
                continue  # returned meanwhile, or another run sent it
            setattr(reservation, flag, now)
            notify(
                reservation.user,
                type_key,
                target=reservation,
                data={
                    "book_id": reservation.book_id,
                    "book_title": reservation.book.title,
                    "due_at": reservation.due_at.isoformat(),
                },
            )
            publish_reservation_update(reservation, change)
            sent += 1
    return sent
