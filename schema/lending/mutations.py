"""Lending writes: offering and withdrawing copies, reserving, lending and returning.

Each mutation requires login (anonymous: a top-level `UNAUTHENTICATED` error) and returns its
object with `errors`. A reservation is visible to its reader and to the owner of the copy it
holds; for anyone else it is `NOT_FOUND`. Staff have no special powers over lending.
"""

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay

from apps.lending import services
from schema.auth import require_user
from schema.context import Info
from schema.enums import CopyConditionEnum
from schema.errors import MutationError, decode_id, run
from schema.lending.types import BookCopyType, ReservationType

BookId = Annotated[relay.GlobalID, strawberry.argument(description="Global id of the Book.")]
CopyId = Annotated[relay.GlobalID, strawberry.argument(description="Global id of the BookCopy.")]
ReservationId = Annotated[
    relay.GlobalID, strawberry.argument(description="Global id of the Reservation.")
]


@strawberry.type(description="The copy now offered for lending, or why not.")
class AddCopyPayload:
    copy: BookCopyType | None = strawberry.field(description="The new copy; null on errors.")
    errors: list[MutationError] = strawberry.field(
        description="`NOT_FOUND` on `bookId`; `INVALID` on `location` or `notes` (too long, NUL)."
    )


@strawberry.type(description="The copy no longer lent, or why not.")
class WithdrawCopyPayload:
    copy: BookCopyType | None = strawberry.field(description="The withdrawn copy; null on errors.")
    errors: list[MutationError] = strawberry.field(
        description="On `copyId`: `NOT_FOUND`; `NOT_ALLOWED` (not the owner); `CONFLICT` (held "
        "by a reader, or already withdrawn)."
    )


@strawberry.type(description="The reservation made, or why not.")
class ReserveBookPayload:
    reservation: ReservationType | None = strawberry.field(
        description="The reservation: `READY` with a copy if one was free, else `WAITING`."
    )
    errors: list[MutationError] = strawberry.field(
        description="On `bookId`: `NOT_FOUND`; `INVALID` (nobody lends a copy, or only you); "
        "`CONFLICT` (you already have an active reservation of this book)."
    )


@strawberry.type(description="The cancelled reservation, or why not.")
class CancelReservationPayload:
    reservation: ReservationType | None = strawberry.field(
        description="The reservation, now `CANCELLED`; null on errors."
    )
    errors: list[MutationError] = strawberry.field(
        description="On `reservationId`: `NOT_FOUND`; `NOT_ALLOWED` (the copy's owner, not the "
        "reader); `CONFLICT` (on loan, or already ended)."
    )


@strawberry.type(description="The reservation now on loan, or why not.")
class LendCopyPayload:
    reservation: ReservationType | None = strawberry.field(
        description="The reservation, now `ON_LOAN`; null on errors."
    )
    errors: list[MutationError] = strawberry.field(
        description="On `reservationId`: `NOT_FOUND`; `NOT_ALLOWED` (not the copy's owner); "
        "`CONFLICT` (not ready). `INVALID` on `dueAt` (past, or over a year ahead)."
    )


@strawberry.type(description="The reservation whose copy came back, or why not.")
class ReturnCopyPayload:
    reservation: ReservationType | None = strawberry.field(
        description="The reservation, now `RETURNED`; null on errors."
    )
    errors: list[MutationError] = strawberry.field(
        description="On `reservationId`: `NOT_FOUND`; `NOT_ALLOWED` (not the copy's owner); "
        "`CONFLICT` (not on loan)."
    )


# Ids are decoded inside the service call, so a malformed id is a payload error like any other.


def _add_copy(user, book_id, condition, location, notes, edition_id=None):
    return services.add_copy(
        user,
        decode_id(book_id, "Book", field="bookId"),
        condition=condition.value,
        location=location,
        notes=notes,
        edition_id=None
        if edition_id is None
        else decode_id(edition_id, "Edition", field="editionId"),
    )


def _withdraw_copy(user, copy_id):
    return services.withdraw_copy(user, decode_id(copy_id, "BookCopy", field="copyId"))


def _reserve_book(user, book_id):
    return services.reserve_book(user, decode_id(book_id, "Book", field="bookId"))


def _reservation_id(reservation_id) -> int:
    return decode_id(reservation_id, "Reservation", field="reservationId")


def _cancel_reservation(user, reservation_id):
    return services.cancel_reservation(user, _reservation_id(reservation_id))


def _lend_copy(user, reservation_id, due_at):
    return services.lend_copy(user, _reservation_id(reservation_id), due_at)


def _return_copy(user, reservation_id):
    return services.return_copy(user, _reservation_id(reservation_id))


@strawberry.type
class LendingMutation:
    @strawberry.mutation(
        description="Offer a copy of a book for lending. If readers are waiting for the book, "
        "the first of them gets it at once (their reservation becomes `READY`)."
    )
    async def add_copy(
        self,
        info: Info,
        book_id: BookId,
        condition: Annotated[
            CopyConditionEnum, strawberry.argument(description="State of the copy.")
        ] = CopyConditionEnum.GOOD,
        location: Annotated[
            str, strawberry.argument(description="Where to pick it up (at most 200 characters).")
        ] = "",
        notes: Annotated[
            str, strawberry.argument(description="Notes for borrowers (at most 2000 characters).")
        ] = "",
        edition_id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(description="Which of the book's editions the copy is."),
        ] = None,
    ) -> AddCopyPayload:
        outcome = await run(
            _add_copy, require_user(info), book_id, condition, location, notes, edition_id
        )
        return AddCopyPayload(copy=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description="Stop lending one of your copies (it stays in `myCopies`, inactive). Not "
        "while a reader holds or borrows it."
    )
    async def withdraw_copy(self, info: Info, copy_id: CopyId) -> WithdrawCopyPayload:
        outcome = await run(_withdraw_copy, require_user(info), copy_id)
        return WithdrawCopyPayload(copy=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description="Join the book's first-come queue. If a copy someone else lends is free "
        "now, the reservation is `READY` at once with that copy, to pick up within 3 days, and "
        "you get a `reservation_ready` notification; otherwise it is `WAITING`."
    )
    async def reserve_book(self, info: Info, book_id: BookId) -> ReserveBookPayload:
        outcome = await run(_reserve_book, require_user(info), book_id)
        return ReserveBookPayload(reservation=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description="Leave the queue, or give up a copy held for you (the reader only). A held "
        "copy goes to the next reader in line, who is notified."
    )
    async def cancel_reservation(
        self, info: Info, reservation_id: ReservationId
    ) -> CancelReservationPayload:
        outcome = await run(_cancel_reservation, require_user(info), reservation_id)
        return CancelReservationPayload(reservation=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description="Hand a ready copy to its reader (the copy's owner only): the reservation "
        "becomes `ON_LOAN` until `dueAt`."
    )
    async def lend_copy(
        self,
        info: Info,
        reservation_id: ReservationId,
        due_at: Annotated[
            datetime | None,
            strawberry.argument(
                description="When the copy is due back (default: in 21 days). Must lie in the "
                "future, at most a year ahead; without an offset it is read as UTC."
            ),
        ] = None,
    ) -> LendCopyPayload:
        outcome = await run(_lend_copy, require_user(info), reservation_id, due_at)
        return LendCopyPayload(reservation=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description="Record that a lent copy came back (the copy's owner only). The copy then "
        "goes to the next reader waiting for the book, who is notified."
    )
    async def return_copy(self, info: Info, reservation_id: ReservationId) -> ReturnCopyPayload:
        outcome = await run(_return_copy, require_user(info), reservation_id)
        return ReturnCopyPayload(reservation=outcome.value, errors=outcome.errors)
