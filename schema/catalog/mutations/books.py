"""Book mutations: create, update and delete books of the catalogue."""

from typing import Annotated

import strawberry
from strawberry import relay

from apps.catalog import services
from schema.auth import require_user
from schema.catalog.inputs import CreateBookInput, UpdateBookInput, given
from schema.catalog.mutations.common import ERRORS, LIBRARIANS_ONLY, arg, decode_ids
from schema.catalog.types import BookType
from schema.context import Info
from schema.errors import MutationError, decode_id, run

BOOK_OBJECT = "The book as it now is; null when there are errors."


@strawberry.type(description="Result of `createBook`.")
class CreateBookPayload:
    book: BookType | None = strawberry.field(description=BOOK_OBJECT)
    errors: list[MutationError] = strawberry.field(description=ERRORS)


@strawberry.type(description="Result of `updateBook`.")
class UpdateBookPayload:
    book: BookType | None = strawberry.field(description=BOOK_OBJECT)
    errors: list[MutationError] = strawberry.field(description=ERRORS)


@strawberry.type(description="Result of `deleteBook`.")
class DeleteBookPayload:
    deleted_id: relay.GlobalID | None = strawberry.field(
        description="The global id of the deleted book; null when there are errors."
    )
    errors: list[MutationError] = strawberry.field(description=ERRORS)


def book_fields(fields: dict) -> dict:
    """Input fields as `apps.catalog.services` takes them (global ids → database ids)."""
    if "author_ids" in fields:
        fields["author_ids"] = decode_ids(fields["author_ids"], "Author", "authorIds")
    if "contributors" in fields:
        fields["contributors"] = [
            (decode_id(c.author_id, "Author", field="contributors"), c.role)
            for c in fields["contributors"] or []
        ]
    if "genre_ids" in fields:
        fields["genre_ids"] = decode_ids(fields["genre_ids"], "Genre", "genreIds")
    if fields.get("series_id") is not None:
        fields["series_id"] = decode_id(fields["series_id"], "Series", field="seriesId")
    return fields


@strawberry.type
class BookMutation:
    @strawberry.mutation(
        description="Add a book to the catalogue. Unknown authors, genres or series are "
        "NOT_FOUND on their field; bad values INVALID; an ISBN or external id another book has "
        f"is a CONFLICT. {LIBRARIANS_ONLY}"
    )
    async def create_book(
        self, info: Info, input: Annotated[CreateBookInput, arg("The new book.")]
    ) -> CreateBookPayload:
        user = require_user(info)
        outcome = await run(lambda: services.create_book(user, **book_fields(given(input))))
        return CreateBookPayload(book=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description="Change a book: fields left out stay as they are, null clears. The id of a "
        f"book merged into another is NOT_FOUND (edit the survivor). {LIBRARIANS_ONLY}"
    )
    async def update_book(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, arg("The book's global id.")],
        input: Annotated[UpdateBookInput, arg("The changes.")],
    ) -> UpdateBookPayload:
        user = require_user(info)
        outcome = await run(
            lambda: services.update_book(
                user, decode_id(id, "Book", field="id"), **book_fields(given(input))
            )
        )
        return UpdateBookPayload(book=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description="Delete a book. What readers made of it (shelf entries, ratings, reviews, "
        "list entries, copies, past loans, feed activities) is deleted with it, so while any "
        "exist this is a CONFLICT on `deleteReaderData` unless that is true; `mergeBooks` "
        "keeps them instead. A book readers are waiting for or borrowing is a CONFLICT in any "
        f"case. {LIBRARIANS_ONLY}"
    )
    async def delete_book(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, arg("The book's global id (its current one).")],
        delete_reader_data: Annotated[
            bool, arg("Confirm that readers' shelves, ratings, reviews … go with the book.")
        ] = False,
    ) -> DeleteBookPayload:
        user = require_user(info)
        outcome = await run(
            lambda: services.delete_book(
                user, decode_id(id, "Book", field="id"), delete_reader_data=delete_reader_data
            )
        )
        deleted = relay.GlobalID("Book", str(outcome.value)) if outcome.ok else None
        return DeleteBookPayload(deleted_id=deleted, errors=outcome.errors)
