"""Shelf mutations: reading status, removal from the shelves, and progress."""

from datetime import date
from typing import Annotated

import strawberry
from strawberry import relay

from apps.reading import services
from schema.auth import require_user
from schema.catalog.types import BookType
from schema.context import Info
from schema.enums import ReadingStatusEnum
from schema.errors import MutationError, decode_id, run
from schema.reading.types import UserBookType

ERRORS = "Expected failures; empty on success."


def _arg(description: str):
    return strawberry.argument(description=description)


def _book_id(book_id: relay.GlobalID) -> int:
    return decode_id(book_id, "Book", field="bookId")


@strawberry.type(description="Result of `setReadingStatus`.")
class SetReadingStatusPayload:
    user_book: UserBookType | None = strawberry.field(
        description="The shelf entry as it now is; null when there are errors."
    )
    errors: list[MutationError] = strawberry.field(description=ERRORS)


@strawberry.type(description="Result of `removeFromShelves`.")
class RemoveFromShelvesPayload:
    deleted_id: relay.GlobalID | None = strawberry.field(
        description="Global id of the removed shelf entry (UserBook); null when there are errors."
    )
    book: BookType | None = strawberry.field(
        description="The book, now off the viewer's shelves; null when there are errors."
    )
    errors: list[MutationError] = strawberry.field(description=ERRORS)


@strawberry.type(description="Result of `updateProgress`.")
class UpdateProgressPayload:
    user_book: UserBookType | None = strawberry.field(
        description="The shelf entry with its new progress; null when there are errors."
    )
    errors: list[MutationError] = strawberry.field(description=ERRORS)


@strawberry.type
class ShelfMutation:
    @strawberry.mutation(
        description="Put a book on one of the viewer's shelves, or move it to another. "
        "`READING` starts today unless `startedAt` is given (or the current read has a start); "
        "`READ` and `DID_NOT_FINISH` finish today unless `finishedAt` is given; `READ` adds one "
        "to `readCount`. `WANT_TO_READ` has no dates. Dates may not be in the future, and a "
        "read may not finish before it started (INVALID). Records a feed activity. Requires login."
    )
    async def set_reading_status(
        self,
        info: Info,
        book_id: Annotated[relay.GlobalID, _arg("The book to shelve.")],
        status: Annotated[ReadingStatusEnum, _arg("The shelf to put it on.")],
        started_at: Annotated[date | None, _arg("When reading started.")] = None,
        finished_at: Annotated[date | None, _arg("When reading finished or stopped.")] = None,
        edition_id: Annotated[
            relay.GlobalID | None,
            _arg(
                "The edition the viewer reads (one of the book's editions, else INVALID); "
                "progress in pages is measured against it. Left out: unchanged."
            ),
        ] = None,
    ) -> SetReadingStatusPayload:
        user = require_user(info)
        outcome = await run(
            lambda: services.set_reading_status(
                user,
                _book_id(book_id),
                status,
                started_at,
                finished_at,
                edition_id=None
                if edition_id is None
                else decode_id(edition_id, "Edition", field="editionId"),
            )
        )
        return SetReadingStatusPayload(user_book=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description="Take a book off the viewer's shelves (NOT_FOUND when it is not on them), "
        "with its shelving activities. The viewer's rating and review of it stay. Requires login."
    )
    async def remove_from_shelves(
        self, info: Info, book_id: Annotated[relay.GlobalID, _arg("The book to remove.")]
    ) -> RemoveFromShelvesPayload:
        user = require_user(info)
        outcome = await run(lambda: services.remove_from_shelves(user, _book_id(book_id)))
        if not outcome.ok:
            return RemoveFromShelvesPayload(deleted_id=None, book=None, errors=outcome.errors)
        removal = outcome.value
        return RemoveFromShelvesPayload(
            deleted_id=relay.GlobalID("UserBook", str(removal.user_book_id)),
            book=removal.book,
            errors=[],
        )

    @strawberry.mutation(
        description="Record how far the viewer is in a book: `pages` read or `percent` "
        "(exactly one). A book not being read moves to `READING`. Reaching the end does not "
        "mark the book read: use `setReadingStatus(status: READ)` for that. Requires login."
    )
    async def update_progress(
        self,
        info: Info,
        book_id: Annotated[relay.GlobalID, _arg("The book.")],
        pages: Annotated[
            int | None,
            _arg("Pages read, 0 to the page count of the edition read (`UserBook.pages`)."),
        ] = None,
        percent: Annotated[float | None, _arg("Percent read, 0 to 100.")] = None,
    ) -> UpdateProgressPayload:
        user = require_user(info)
        outcome = await run(
            lambda: services.update_progress(user, _book_id(book_id), pages=pages, percent=percent)
        )
        return UpdateProgressPayload(user_book=outcome.value, errors=outcome.errors)
