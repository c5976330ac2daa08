"""Journal mutations: entries of progress and notes in the viewer's reading of a book."""

from typing import Annotated

import strawberry
from strawberry import relay

from apps.reading import services
from schema.auth import require_user
from schema.context import Info
from schema.errors import MutationError, decode_id, run
from schema.reading.inputs import JournalEntryInput, UpdateJournalEntryInput
from schema.reading.types import JournalEntryType, UserBookType

ERRORS = "Expected failures; empty on success."


def _entry_id(entry_id: relay.GlobalID) -> int:
    return decode_id(entry_id, "JournalEntry", field="id")


@strawberry.type(description="Result of `addJournalEntry` and `updateJournalEntry`.")
class JournalEntryPayload:
    journal_entry: JournalEntryType | None = strawberry.field(
        description="The entry as it now is; null when there are errors."
    )
    user_book: UserBookType | None = strawberry.field(
        description="The shelf entry, with its progress; null when there are errors."
    )
    errors: list[MutationError] = strawberry.field(description=ERRORS)


@strawberry.type(description="Result of `deleteJournalEntry`.")
class DeleteJournalEntryPayload:
    deleted_id: relay.GlobalID | None = strawberry.field(
        description="Global id of the deleted entry; null when there are errors."
    )
    errors: list[MutationError] = strawberry.field(description=ERRORS)


def _payload(outcome) -> JournalEntryPayload:
    entry = outcome.value
    return JournalEntryPayload(
        journal_entry=entry, user_book=entry.user_book if entry else None, errors=outcome.errors
    )


@strawberry.type
class JournalMutation:
    @strawberry.mutation(
        description="Write in the viewer's journal of a book: progress (`page` or `percent`), "
        "a note, or both (INVALID with neither). Progress moves a book not being read to "
        "`READING` and becomes the shelf's progress, as `updateProgress` does; reaching the "
        "end does not finish the book. A note others may see shows in followers' feeds "
        "(verb NOTED, with the spoiler flag). Requires login."
    )
    async def add_journal_entry(
        self,
        info: Info,
        book_id: Annotated[relay.GlobalID, strawberry.argument(description="The book.")],
        input: Annotated[JournalEntryInput, strawberry.argument(description="The entry.")],
    ) -> JournalEntryPayload:
        user = require_user(info)
        outcome = await run(
            lambda: services.add_journal_entry(
                user,
                decode_id(book_id, "Book", field="bookId"),
                page=input.page,
                percent=input.percent,
                note=input.note,
                privacy=input.privacy,
                spoiler=input.spoiler,
            )
        )
        return _payload(outcome)

    @strawberry.mutation(
        description="Change one of the viewer's journal entries (NOT_FOUND when the viewer may "
        "not see it, NOT_ALLOWED when it is someone else's). Requires login."
    )
    async def update_journal_entry(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="The entry's id.")],
        input: Annotated[UpdateJournalEntryInput, strawberry.argument(description="Changes.")],
    ) -> JournalEntryPayload:
        user = require_user(info)
        outcome = await run(
            lambda: services.update_journal_entry(
                user,
                _entry_id(id),
                page=input.page,
                percent=input.percent,
                note=input.note,
                privacy=input.privacy,
                spoiler=input.spoiler,
            )
        )
        return _payload(outcome)

    @strawberry.mutation(
        description="Delete one of the viewer's journal entries, with its feed activity; the "
        "shelf's progress goes back to the newest remaining entry's. Requires login."
    )
    async def delete_journal_entry(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="The entry's id.")],
    ) -> DeleteJournalEntryPayload:
        user = require_user(info)
        outcome = await run(lambda: services.delete_journal_entry(user, _entry_id(id)))
        deleted = relay.GlobalID("JournalEntry", str(outcome.value)) if outcome.ok else None
        return DeleteJournalEntryPayload(deleted_id=deleted, errors=outcome.errors)
