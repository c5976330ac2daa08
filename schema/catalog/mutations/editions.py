"""Edition mutations: create, update, delete, make default, and move to another book."""

from typing import Annotated

import strawberry
from strawberry import relay

from apps.catalog import editions
from schema.auth import require_user
from schema.catalog.edition_types import EditionType
from schema.catalog.inputs import CreateEditionInput, UpdateEditionInput, given
from schema.catalog.mutations.common import ERRORS, LIBRARIANS_ONLY, arg
from schema.context import Info
from schema.errors import MutationError, decode_id, run

EDITION_OBJECT = "The edition as it now is (with its `book`); null when there are errors."


@strawberry.type(description="Result of `createEdition`, `updateEdition`, `setDefaultEdition`.")
class EditionPayload:
    edition: EditionType | None = strawberry.field(description=EDITION_OBJECT)
    errors: list[MutationError] = strawberry.field(description=ERRORS)


@strawberry.type(description="Result of `moveEdition`.")
class MoveEditionPayload:
    edition: EditionType | None = strawberry.field(
        description="The edition, now of the other book (its `book`); null when there are errors."
    )
    errors: list[MutationError] = strawberry.field(description=ERRORS)


@strawberry.type(description="Result of `deleteEdition`.")
class DeleteEditionPayload:
    deleted_id: relay.GlobalID | None = strawberry.field(
        description="The global id of the deleted edition; null when there are errors."
    )
    errors: list[MutationError] = strawberry.field(description=ERRORS)


def _edition_id(global_id: relay.GlobalID, field: str = "id") -> int:
    return decode_id(global_id, "Edition", field=field)


@strawberry.type
class EditionMutation:
    @strawberry.mutation(
        description="Add an edition to a book. Bad ISBNs (wrong check digit, ISBN-10 and "
        "ISBN-13 of different books) or values are INVALID on their field; an ISBN or Open "
        "Library id another edition has is a CONFLICT. The book's first edition becomes its "
        f"default. {LIBRARIANS_ONLY}"
    )
    async def create_edition(
        self, info: Info, input: Annotated[CreateEditionInput, arg("The new edition.")]
    ) -> EditionPayload:
        user = require_user(info)
        fields = given(input)
        book_global_id = fields.pop("book_id")

        def create():
            book_id = decode_id(book_global_id, "Book", field="bookId")
            return editions.create_edition(user, book_id, **fields)

        outcome = await run(create)
        return EditionPayload(edition=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description="Change an edition: fields left out stay as they are, null clears. Changes "
        f"to the default edition show on the book's deprecated edition fields. {LIBRARIANS_ONLY}"
    )
    async def update_edition(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, arg("The edition's global id.")],
        input: Annotated[UpdateEditionInput, arg("The changes.")],
    ) -> EditionPayload:
        user = require_user(info)
        outcome = await run(lambda: editions.update_edition(user, _edition_id(id), **given(input)))
        return EditionPayload(edition=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description="Delete an edition. A CONFLICT while a reader's shelf entry or a lending "
        "copy names it (move them first), or when it is the book's only edition (delete or "
        "merge the book instead). Deleting the default makes the oldest other edition the "
        f"default. {LIBRARIANS_ONLY}"
    )
    async def delete_edition(
        self, info: Info, id: Annotated[relay.GlobalID, arg("The edition's global id.")]
    ) -> DeleteEditionPayload:
        user = require_user(info)
        outcome = await run(lambda: editions.delete_edition(user, _edition_id(id)))
        deleted = relay.GlobalID("Edition", str(outcome.value)) if outcome.ok else None
        return DeleteEditionPayload(deleted_id=deleted, errors=outcome.errors)

    @strawberry.mutation(
        description="Make an edition its book's default (the one shown when a reader chose "
        f"none; the book's deprecated edition fields follow it). {LIBRARIANS_ONLY}"
    )
    async def set_default_edition(
        self, info: Info, id: Annotated[relay.GlobalID, arg("The edition's global id.")]
    ) -> EditionPayload:
        user = require_user(info)
        outcome = await run(lambda: editions.set_default_edition(user, _edition_id(id)))
        return EditionPayload(edition=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description="Move an edition to another book, to split a wrongly merged work: the "
        "shelf entries and lending copies that name it follow it. A CONFLICT when it is its "
        "book's only edition, when a reader who has it on their shelves also has the other "
        "book there, or while a copy of it is lent or promised. Ratings and reviews stay with "
        f"the book they were given to. {LIBRARIANS_ONLY}"
    )
    async def move_edition(
        self,
        info: Info,
        edition_id: Annotated[relay.GlobalID, arg("The edition's global id.")],
        to_book_id: Annotated[relay.GlobalID, arg("The book it belongs to.")],
    ) -> MoveEditionPayload:
        user = require_user(info)
        outcome = await run(
            lambda: editions.move_edition(
                user,
                _edition_id(edition_id, "editionId"),
                decode_id(to_book_id, "Book", field="toBookId"),
            )
        )
        return MoveEditionPayload(edition=outcome.value, errors=outcome.errors)
