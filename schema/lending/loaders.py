"""Lending loaders: copies, the reservation holding each copy, and places in the queue."""

from apps.lending.models import HOLDING_STATUSES, BookCopy, Reservation, ReservationStatus
from booknest.internals.prepared import PreparedById, PreparedQuery
from schema.loaders import ByIdLoader, Loader


class BookCopyByIdLoader(ByIdLoader[BookCopy]):
    rows = PreparedById(BookCopy)


class HoldingReservationByCopyIdLoader(Loader[int, Reservation | None]):
    """The READY or ON_LOAN reservation that holds each copy, or None when it is free."""

    rows = PreparedQuery(
        lambda ids: Reservation.objects.filter(copy_id__in=ids, status__in=HOLDING_STATUSES)
    )

    def batch_load(self, keys):
        holders = {reservation.copy_id: reservation for reservation in self.rows(keys)}
        return [holders.get(key) for key in keys]


class QueuePositionByReservationLoader(Loader[tuple[int, int], int | None]):
    """Keys `(book_id, reservation_id)`: the 1-based place among the book's waiting readers
    (the queue's order: `reserved_at`, then id), or None if the reservation is not waiting."""

    waiting = PreparedQuery(
        lambda ids: (
            Reservation.objects.filter(book_id__in=ids, status=ReservationStatus.WAITING)
            .order_by("book_id", "reserved_at", "id")
            .values_list("book_id", "id")
        )
    )

    def batch_load(self, keys):
        positions: dict[int, int] = {}
        place: dict[int, int] = {}
        for book_id, reservation_id in self.waiting(sorted({book_id for book_id, _ in keys})):
            place[book_id] = place.get(book_id, 0) + 1
            positions[reservation_id] = place[book_id]
        return [positions.get(reservation_id) for _, reservation_id in keys]
