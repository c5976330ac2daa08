"""Reading list mutations: the viewer's own lists and the books in them."""

from typing import Annotated

import strawberry
from strawberry import relay

from apps.reading import services
from schema.auth import require_user
from schema.context import Info
from schema.errors import MutationError, decode_id, run
from schema.reading.inputs import CreateReadingListInput, UpdateReadingListInput
from schema.reading.types import ReadingListItemType, ReadingListType

ERRORS = "Expected failures; empty on success."
LIST_OBJECT = "The list as it now is; null when there are errors."
OWN_ONLY = (
    "Only the owner changes a list: another reader's list is NOT_ALLOWED, or NOT_FOUND when "
    "the viewer may not see it."
)


def _arg(description: str):
    return strawberry.argument(description=description)


def _list_id(list_id: relay.GlobalID, field: str) -> int:
    return decode_id(list_id, "ReadingList", field=field)


def _book_id(book_id: relay.GlobalID) -> int:
    return decode_id(book_id, "Book", field="bookId")


@strawberry.type(description="Result of `createReadingList`.")
class CreateReadingListPayload:
    reading_list: ReadingListType | None = strawberry.field(description=LIST_OBJECT)
    errors: list[MutationError] = strawberry.field(description=ERRORS)


@strawberry.type(description="Result of `updateReadingList`.")
class UpdateReadingListPayload:
    reading_list: ReadingListType | None = strawberry.field(description=LIST_OBJECT)
    errors: list[MutationError] = strawberry.field(description=ERRORS)


@strawberry.type(description="Result of `deleteReadingList`.")
class DeleteReadingListPayload:
    deleted_id: relay.GlobalID | None = strawberry.field(
        description="Global id of the deleted list; null when there are errors."
    )
    errors: list[MutationError] = strawberry.field(description=ERRORS)


@strawberry.type(description="Result of `addToReadingList`.")
class AddToReadingListPayload:
    reading_list: ReadingListType | None = strawberry.field(description=LIST_OBJECT)
    item: ReadingListItemType | None = strawberry.field(
        description="The new item, with its position; null when there are errors."
    )
    errors: list[MutationError] = strawberry.field(description=ERRORS)


@strawberry.type(description="Result of `removeFromReadingList`.")
class RemoveFromReadingListPayload:
    reading_list: ReadingListType | None = strawberry.field(description=LIST_OBJECT)
    errors: list[MutationError] = strawberry.field(description=ERRORS)


@strawberry.type(description="Result of `moveInReadingList`.")
class MoveInReadingListPayload:
    reading_list: ReadingListType | None = strawberry.field(description=LIST_OBJECT)
    errors: list[MutationError] = strawberry.field(description=ERRORS)


@strawberry.type
class ReadingListMutation:
    @strawberry.mutation(
        description="Create a reading list for the viewer. Names are unique among the viewer's "
        "lists regardless of case (CONFLICT on `name`). Requires login."
    )
    async def create_reading_list(
        self, info: Info, input: Annotated[CreateReadingListInput, _arg("The new list.")]
    ) -> CreateReadingListPayload:
        user = require_user(info)
        outcome = await run(
            services.create_reading_list,
            user,
            name=input.name,
            description=input.description,
            privacy=input.privacy,
        )
        return CreateReadingListPayload(reading_list=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description=f"Rename or describe a list, or change its privacy. {OWN_ONLY} Requires login."
    )
    async def update_reading_list(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, _arg("The list's global id.")],
        input: Annotated[UpdateReadingListInput, _arg("The changes.")],
    ) -> UpdateReadingListPayload:
        user = require_user(info)
        outcome = await run(
            lambda: services.update_reading_list(
                user,
                _list_id(id, "id"),
                name=input.name,
                description=input.description,
                privacy=input.privacy,
            )
        )
        return UpdateReadingListPayload(reading_list=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description=f"Delete a list with its items and feed activities. {OWN_ONLY} Requires login."
    )
    async def delete_reading_list(
        self, info: Info, id: Annotated[relay.GlobalID, _arg("The list's global id.")]
    ) -> DeleteReadingListPayload:
        user = require_user(info)
        outcome = await run(lambda: services.delete_reading_list(user, _list_id(id, "id")))
        deleted = relay.GlobalID("ReadingList", str(outcome.value)) if outcome.ok else None
        return DeleteReadingListPayload(deleted_id=deleted, errors=outcome.errors)

    @strawberry.mutation(
        description="Add a book to a list, at the end or at `position` (0 = first; the books "
        "from there move down one). A book already in the list is a CONFLICT. Records a feed "
        f"activity with the list's privacy. {OWN_ONLY} Requires login."
    )
    async def add_to_reading_list(
        self,
        info: Info,
        list_id: Annotated[relay.GlobalID, _arg("The list's global id.")],
        book_id: Annotated[relay.GlobalID, _arg("The book to add.")],
        note: Annotated[str, _arg("Your note on the book in this list (≤ 2,000 chars).")] = "",
        position: Annotated[
            int | None, _arg("Where to insert it, 0 to the list's length; the end by default.")
        ] = None,
    ) -> AddToReadingListPayload:
        user = require_user(info)
        outcome = await run(
            lambda: services.add_to_reading_list(
                user, _list_id(list_id, "listId"), _book_id(book_id), note=note, position=position
            )
        )
        if not outcome.ok:
            return AddToReadingListPayload(reading_list=None, item=None, errors=outcome.errors)
        item = outcome.value
        return AddToReadingListPayload(reading_list=item.reading_list, item=item, errors=[])

    @strawberry.mutation(
        description="Take a book out of a list (NOT_FOUND on `bookId` when it is not in it); "
        f"the books after it move up one. {OWN_ONLY} Requires login."
    )
    async def remove_from_reading_list(
        self,
        info: Info,
        list_id: Annotated[relay.GlobalID, _arg("The list's global id.")],
        book_id: Annotated[relay.GlobalID, _arg("The book to take out.")],
    ) -> RemoveFromReadingListPayload:
        user = require_user(info)
        outcome = await run(
            lambda: services.remove_from_reading_list(
                user, _list_id(list_id, "listId"), _book_id(book_id)
            )
        )
        return RemoveFromReadingListPayload(reading_list=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description="Move a book of a list to `position` (0 to the list's length - 1; INVALID "
        f"otherwise); the books in between shift by one. {OWN_ONLY} Requires login."
    )
    async def move_in_reading_list(
        self,
        info: Info,
        list_id: Annotated[relay.GlobalID, _arg("The list's global id.")],
        book_id: Annotated[relay.GlobalID, _arg("The book to move.")],
        position: Annotated[int, _arg("Its new position, from 0.")],
    ) -> MoveInReadingListPayload:
        user = require_user(info)
        outcome = await run(
            lambda: services.move_in_reading_list(
                user, _list_id(list_id, "listId"), _book_id(book_id), position
            )
        )
        return MoveInReadingListPayload(reading_list=outcome.value, errors=outcome.errors)
