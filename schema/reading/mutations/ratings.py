"""Rating mutations: rate a book, withdraw a rating."""

from typing import Annotated

import strawberry
from strawberry import relay

from apps.reading import services
from schema.auth import require_user
from schema.catalog.types import BookType
from schema.context import Info
from schema.errors import MutationError, decode_id, run
from schema.reading.types import RatingType

ERRORS = "Expected failures; empty on success."


def _arg(description: str):
    return strawberry.argument(description=description)


@strawberry.type(description="Result of `rateBook`.")
class RateBookPayload:
    rating: RatingType | None = strawberry.field(
        description="The viewer's rating; null when there are errors."
    )
    book: BookType | None = strawberry.field(
        description="The book, with its updated average and count; null when there are errors."
    )
    errors: list[MutationError] = strawberry.field(description=ERRORS)


@strawberry.type(description="Result of `removeRating`.")
class RemoveRatingPayload:
    book: BookType | None = strawberry.field(
        description="The book, with its updated average and count; null when there are errors."
    )
    errors: list[MutationError] = strawberry.field(description=ERRORS)


@strawberry.type
class RatingMutation:
    @strawberry.mutation(
        description="Rate a book 0.5 to 5 stars in half steps (INVALID otherwise), or change "
        "the viewer's rating of it. The book's average and count are updated at once, exactly, "
        "even when many readers rate it at the same time. Records a feed activity. Requires login."
    )
    async def rate_book(
        self,
        info: Info,
        book_id: Annotated[relay.GlobalID, strawberry.argument(description="The book.")],
        value: Annotated[float, strawberry.argument(description="Stars: 0.5, 1, … 5.")],
    ) -> RateBookPayload:
        user = require_user(info)
        outcome = await run(
            lambda: services.rate_book(user, decode_id(book_id, "Book", field="bookId"), value)
        )
        if not outcome.ok:
            return RateBookPayload(rating=None, book=None, errors=outcome.errors)
        return RateBookPayload(rating=outcome.value, book=outcome.value.book, errors=[])

    @strawberry.mutation(
        description="Withdraw the viewer's rating of a book (NOT_FOUND when they have none). Requires login."
    )
    async def remove_rating(
        self,
        info: Info,
        book_id: Annotated[relay.GlobalID, strawberry.argument(description="The book.")],
    ) -> RemoveRatingPayload:
        user = require_user(info)
        outcome = await run(
            lambda: services.remove_rating(user, decode_id(book_id, "Book", field="bookId"))
        )
        return RemoveRatingPayload(book=outcome.value, errors=outcome.errors)
