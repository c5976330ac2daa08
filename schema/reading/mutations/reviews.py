"""Review mutations: write, edit and delete the viewer's own reviews."""

from typing import Annotated

import strawberry
from strawberry import relay

from apps.reading import services
from schema.auth import require_user
from schema.context import Info
from schema.errors import MutationError, decode_id, run
from schema.reading.inputs import CreateReviewInput, UpdateReviewInput
from schema.reading.types import ReviewType

ERRORS = "Expected failures; empty on success."
REVIEW_ID = "The review's global id."


def _review_id(review_id: relay.GlobalID) -> int:
    return decode_id(review_id, "Review", field="id")


@strawberry.type(description="Result of `createReview`.")
class CreateReviewPayload:
    review: ReviewType | None = strawberry.field(
        description="The new review; null when there are errors."
    )
    errors: list[MutationError] = strawberry.field(description=ERRORS)


@strawberry.type(description="Result of `updateReview`.")
class UpdateReviewPayload:
    review: ReviewType | None = strawberry.field(
        description="The review as it now is; null when there are errors."
    )
    errors: list[MutationError] = strawberry.field(description=ERRORS)


@strawberry.type(description="Result of `deleteReview`.")
class DeleteReviewPayload:
    deleted_id: relay.GlobalID | None = strawberry.field(
        description="Global id of the deleted review; null when there are errors."
    )
    errors: list[MutationError] = strawberry.field(description=ERRORS)


@strawberry.type
class ReviewMutation:
    @strawberry.mutation(
        description="Review a book. One review per reader and book (CONFLICT on `bookId` for a "
        "second one: update it instead). Records a feed activity with the review's privacy. Requires login."
    )
    async def create_review(
        self,
        info: Info,
        input: Annotated[CreateReviewInput, strawberry.argument(description="The review.")],
    ) -> CreateReviewPayload:
        user = require_user(info)
        outcome = await run(
            lambda: services.create_review(
                user,
                decode_id(input.book_id, "Book", field="bookId"),
                title=input.title,
                body=input.body,
                spoiler=input.spoiler,
                privacy=input.privacy,
            )
        )
        return CreateReviewPayload(review=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description="Edit the viewer's own review. Someone else's review is NOT_ALLOWED, or "
        "NOT_FOUND when the viewer may not see it. Requires login."
    )
    async def update_review(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description=REVIEW_ID)],
        input: Annotated[UpdateReviewInput, strawberry.argument(description="The changes.")],
    ) -> UpdateReviewPayload:
        user = require_user(info)
        outcome = await run(
            lambda: services.update_review(
                user,
                _review_id(id),
                title=input.title,
                body=input.body,
                spoiler=input.spoiler,
                privacy=input.privacy,
            )
        )
        return UpdateReviewPayload(review=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description="Delete the viewer's own review, and its feed activity. Someone else's "
        "review is NOT_ALLOWED, or NOT_FOUND when the viewer may not see it. Requires login."
    )
    async def delete_review(
        self, info: Info, id: Annotated[relay.GlobalID, strawberry.argument(description=REVIEW_ID)]
    ) -> DeleteReviewPayload:
        user = require_user(info)
        outcome = await run(lambda: services.delete_review(user, _review_id(id)))
        deleted = relay.GlobalID("Review", str(outcome.value)) if outcome.ok else None
        return DeleteReviewPayload(deleted_id=deleted, errors=outcome.errors)
