"""Merge mutations: fold duplicate books or authors into one survivor."""

from typing import Annotated

import strawberry
from strawberry import relay

from apps.catalog import merge
from schema.auth import require_user
from schema.catalog.mutations.common import ERRORS, LIBRARIANS_ONLY, arg, decode_ids
from schema.catalog.types import AuthorType, BookType
from schema.context import Info
from schema.errors import MutationError, decode_id, run

KEEP_RULE = (
    "Where a reader had both (a rating, a review, a shelf entry of each book) the most recently "
    "updated one is kept; where a list held both, the survivor's entry. Merging a record into "
    "itself is INVALID on `duplicateIds`; unknown ids are NOT_FOUND on their argument; "
    "active reservations of more than one of the books by one reader are a CONFLICT. "
)


@strawberry.type(description="Result of `mergeBooks`.")
class MergeBooksPayload:
    book: BookType | None = strawberry.field(
        description="The surviving book, with everything moved to it; null on errors."
    )
    errors: list[MutationError] = strawberry.field(description=ERRORS)


@strawberry.type(description="Result of `mergeAuthors`.")
class MergeAuthorsPayload:
    author: AuthorType | None = strawberry.field(
        description="The surviving author, credited on every book of the others; null on errors."
    )
    errors: list[MutationError] = strawberry.field(description=ERRORS)


@strawberry.type
class MergeMutation:
    @strawberry.mutation(
        description="Merge duplicate books into one: every shelf entry, rating, review, list "
        "entry, copy, reservation, feed activity, genre and contributor of the duplicates moves "
        "to the survivor without being lost or doubled, the duplicates are deleted, and their "
        "ids resolve to the survivor from then on. ISBNs, external ids and details the "
        "survivor lacks are taken from the duplicates; its average rating and count are "
        f"recomputed. {KEEP_RULE}{LIBRARIANS_ONLY}"
    )
    async def merge_books(
        self,
        info: Info,
        survivor_id: Annotated[relay.GlobalID, arg("The book that stays.")],
        duplicate_ids: Annotated[list[relay.GlobalID], arg("The books merged into it (1 to 50).")],
    ) -> MergeBooksPayload:
        user = require_user(info)
        outcome = await run(
            lambda: merge.merge_books(
                user,
                decode_id(survivor_id, "Book", field="survivorId"),
                decode_ids(duplicate_ids, "Book", "duplicateIds"),
            )
        )
        return MergeBooksPayload(book=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description="Merge duplicate authors into one: their credits on books move to the "
        "survivor (once per book and role), the duplicates are deleted, and their ids resolve "
        "to the survivor from then on. External ids and details the survivor lacks are taken "
        "from the duplicates. Merging an author into itself is INVALID on `duplicateIds`; "
        f"unknown ids are NOT_FOUND on their argument. {LIBRARIANS_ONLY}"
    )
    async def merge_authors(
        self,
        info: Info,
        survivor_id: Annotated[relay.GlobalID, arg("The author who stays.")],
        duplicate_ids: Annotated[
            list[relay.GlobalID], arg("The authors merged into them (1 to 50).")
        ],
    ) -> MergeAuthorsPayload:
        user = require_user(info)
        outcome = await run(
            lambda: merge.merge_authors(
                user,
                decode_id(survivor_id, "Author", field="survivorId"),
                decode_ids(duplicate_ids, "Author", "duplicateIds"),
            )
        )
        return MergeAuthorsPayload(author=outcome.value, errors=outcome.errors)
