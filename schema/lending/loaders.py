"""Lending loaders: copies, the reservation holding each copy, and places in the queue."""

from apps.lending.models import HOLDING_STATUSES, BookCopy, Reservation, ReservationStatus
from schema.loaders import Loader


class BookCopyByIdLoader(Loader[int, BookCopy | None]):
    def batch_load(self, keys):
        copies = BookCopy.objects.in_bulk(keys)
        return [copies.get(key) for key in keys]


class HoldingReservationByCopyIdLoader(Loader[int, Reservation | None]):
    """The READY or ON_LOAN reservation that holds each copy, or None when it is free."""

    def batch_load(self, keys):
        holders = {
            reservation.copy_id: reservation
            for reservation in Reservation.objects.filter(
                copy_id__in=keys, status__in=HOLDING_STATUSES
            )
        }
        return [holders.get(key) for key in keys]


class QueuePositionByReservationLoader(Loader[tuple[int, int], int | None]):
    """Keys `(book_id, reservation_id)`: the 1-based place among the book's waiting readers
    (the queue's order: `reserved_at`, then id), or None if the reservation is not waiting."""

    def batch_load(self, keys):
        waiting = Reservation.objects.filter(
            book_id__in={book_id for book_id, _ in keys}, status=ReservationStatus.WAITING
        ).order_by("book_id", "reserved_at", "id")
        positions: dict[int, int] = {}
        place: dict[int, int] = {}
        for book_id, reservation_id in waiting.values_list("book_id", "id"):
            place[book_id] = place.get(book_id, 0) + 1
            positions[reservation_id] = place[book_id]
        return [positions.get(reservation_id) for _, reservation_id in keys]
