"""Live news of a reservation for its reader (`reservationUpdated`), published after commit."""

from enum import StrEnum

from apps.core.events import publish, user_group


class ReservationChange(StrEnum):
    """Why the reader hears about their reservation."""

    READY = "ready"
    ON_LOAN = "on_loan"
    RETURNED = "returned"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


def publish_reservation_update(reservation, change: ReservationChange) -> None:
    """Tell the reservation's reader, after the caller's transaction commits. Periodic jobs
    (expired pick-ups, due soon, overdue) call this for each reservation they touch."""
    publish(
        user_group(reservation.user_id),
        "reservation_updated",
        {"reservation_id": reservation.pk, "change": ReservationChange(change).value},
    )
