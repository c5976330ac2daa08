"""Lending reads: the copies of a book, and the viewer's own reservations and copies."""

from typing import Annotated

import strawberry
from django.db.models import Q, QuerySet
from strawberry import relay

from apps.catalog.models import BookRedirect
from apps.lending.models import BookCopy, Reservation
from schema.auth import require_user
from schema.context import Info
from schema.enums import ReservationStatusEnum
from schema.fields import connection
from schema.lending.types import BookCopyType, ReservationType
from schema.pagination import CursorConnection


def _book_q(book_id: relay.GlobalID) -> Q | None:
    """Rows of the book `book_id` names, following a merge to its survivor; None if not a Book.

    A subquery, not a lookup: the page stays one SQL statement, and no sync query runs here.
    """
    if book_id.type_name != "Book" or not str(book_id.node_id).isdigit():
        return None
    pk = int(book_id.node_id)
    return Q(book_id=pk) | Q(book_id__in=BookRedirect.objects.filter(old_id=pk).values("book_id"))


@strawberry.type
class LendingQuery:
    @connection(
        CursorConnection[BookCopyType],
        description="The copies of a book that readers lend (withdrawn copies left out), "
        "oldest first, with their owners. Anyone may read it; empty for an unknown book.",
    )
    def copies(
        self,
        book_id: Annotated[
            relay.GlobalID, strawberry.argument(description="Global id of the Book.")
        ],
    ) -> QuerySet[BookCopy]:
        book_q = _book_q(book_id)
        if book_q is None:
            return BookCopy.objects.none()
        return BookCopy.objects.filter(book_q, is_active=True).order_by("created_at", "id")

    @connection(
        CursorConnection[ReservationType],
        description="The viewer's reservations, most recent first, optionally only those in "
        "the given statuses. Requires login.",
    )
    def my_reservations(
        self,
        info: Info,
        status: Annotated[
            list[ReservationStatusEnum] | None,
            strawberry.argument(description="Only reservations in these statuses (default: all)."),
        ] = None,
    ) -> QuerySet[Reservation]:
        user = require_user(info)
        reservations = Reservation.objects.filter(user_id=user.pk)
        if status is not None:
            reservations = reservations.filter(status__in=[s.value for s in status])
        return reservations.order_by("-reserved_at", "-id")

    @connection(
        CursorConnection[BookCopyType],
        description="The copies the viewer lends, withdrawn ones included, newest first; "
        "`currentReservation` tells who holds each. Requires login.",
    )
    def my_copies(self, info: Info) -> QuerySet[BookCopy]:
        user = require_user(info)
        return BookCopy.objects.filter(owner_id=user.pk).order_by("-created_at", "-id")
