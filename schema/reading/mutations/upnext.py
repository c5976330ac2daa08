"""Up-next mutations: the viewer's ordered queue of books to read next."""

from typing import Annotated

import strawberry
from strawberry import relay

from apps.reading import services
from schema.auth import require_user
from schema.context import Info
from schema.errors import MutationError, decode_id, run
from schema.reading.types import UpNextItemType

BookId = Annotated[relay.GlobalID, strawberry.argument(description="The book.")]


@strawberry.type(description="Result of `addToUpNext`, `removeFromUpNext` and `moveInUpNext`.")
class UpNextPayload:
    up_next: list[UpNextItemType] | None = strawberry.field(
        description="The viewer's queue as it now is, next first; null when there are errors."
    )
    errors: list[MutationError] = strawberry.field(
        description="Expected failures; empty on success."
    )


def _book(book_id: relay.GlobalID) -> int:
    return decode_id(book_id, "Book", field="bookId")


@strawberry.type
class UpNextMutation:
    @strawberry.mutation(
        description="Queue a book at the end of the viewer's up next (at most 10: INVALID "
        "beyond; CONFLICT when already queued; INVALID for a book being read). Starting a book "
        "(`READING`) takes it off. Requires login."
    )
    async def add_to_up_next(self, info: Info, book_id: BookId) -> UpNextPayload:
        user = require_user(info)
        outcome = await run(lambda: services.add_to_up_next(user, _book(book_id)))
        return UpNextPayload(up_next=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description="Take a book off the viewer's up next (NOT_FOUND when not on it); the "
        "books after it move up. Requires login."
    )
    async def remove_from_up_next(self, info: Info, book_id: BookId) -> UpNextPayload:
        user = require_user(info)
        outcome = await run(lambda: services.remove_from_up_next(user, _book(book_id)))
        return UpNextPayload(up_next=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description="Move a queued book to `position` (0 is next; INVALID outside the queue), "
        "shifting the others. Requires login."
    )
    async def move_in_up_next(
        self,
        info: Info,
        book_id: BookId,
        position: Annotated[int, strawberry.argument(description="The new place, 0 is next.")],
    ) -> UpNextPayload:
        user = require_user(info)
        outcome = await run(lambda: services.move_in_up_next(user, _book(book_id), position))
        return UpNextPayload(up_next=outcome.value, errors=outcome.errors)
