"""Input objects of the reading mutations that take an `input:` argument."""

import strawberry
from strawberry import relay

from apps.core.models import Privacy
from schema.enums import PrivacyEnum


@strawberry.input(description="A new review of a book.")
class CreateReviewInput:
    book_id: relay.GlobalID = strawberry.field(description="The book reviewed.")
    body: str = strawberry.field(description="The review text, 1 to 50,000 characters.")
    title: str = strawberry.field(default="", description="An optional headline (≤ 200 chars).")
    spoiler: bool = strawberry.field(
        default=False, description="Whether the review reveals the plot."
    )
    privacy: PrivacyEnum = strawberry.field(
        default=Privacy.PUBLIC, description="Who may see the review (default: everyone)."
    )


@strawberry.input(description="Changes to a review; fields left out or null stay as they are.")
class UpdateReviewInput:
    title: str | None = strawberry.field(default=None, description="New headline ('' clears it).")
    body: str | None = strawberry.field(default=None, description="New text (not empty).")
    spoiler: bool | None = strawberry.field(
        default=None, description="Whether the review reveals the plot."
    )
    privacy: PrivacyEnum | None = strawberry.field(
        default=None, description="Who may see the review."
    )


@strawberry.input(description="A new reading list.")
class CreateReadingListInput:
    name: str = strawberry.field(
        description="Name, unique among your lists regardless of case (≤ 150 chars)."
    )
    description: str = strawberry.field(
        default="", description="What the list is about (≤ 5,000 chars)."
    )
    privacy: PrivacyEnum = strawberry.field(
        default=Privacy.PUBLIC, description="Who may see the list (default: everyone)."
    )


@strawberry.input(
    description="Changes to a reading list; fields left out or null stay as they are."
)
class UpdateReadingListInput:
    name: str | None = strawberry.field(default=None, description="New name.")
    description: str | None = strawberry.field(
        default=None, description="New description ('' clears it)."
    )
    privacy: PrivacyEnum | None = strawberry.field(
        default=None, description="Who may see the list."
    )


@strawberry.input(description="A journal entry: progress (a page or a percent), a note, or both.")
class JournalEntryInput:
    page: int | None = strawberry.field(
        default=None, description="The page reached (0 to the book's pages)."
    )
    percent: float | None = strawberry.field(
        default=None, description="The share read, 0 to 100 (not with `page`)."
    )
    note: str = strawberry.field(default="", description="A note (≤ 10,000 chars).")
    spoiler: bool = strawberry.field(
        default=False, description="Whether the note reveals the plot."
    )
    privacy: PrivacyEnum = strawberry.field(
        default=Privacy.PUBLIC,
        description="Who may see the entry (default: everyone your profile lets see it).",
    )


@strawberry.input(description="Changes to a journal entry; fields left out or null stay.")
class UpdateJournalEntryInput:
    page: int | None = strawberry.field(default=None, description="New page (drops a percent).")
    percent: float | None = strawberry.field(
        default=None, description="New percent (drops a page)."
    )
    note: str | None = strawberry.field(default=None, description="New note ('' clears it).")
    spoiler: bool | None = strawberry.field(default=None, description="Spoiler flag.")
    privacy: PrivacyEnum | None = strawberry.field(default=None, description="Who may see it.")


@strawberry.input(description="A reading goal's targets: any of them, each above zero.")
class ReadingGoalInput:
    books: int | None = strawberry.field(default=None, description="Books to finish.")
    pages: int | None = strawberry.field(default=None, description="Pages to read.")
    minutes: int | None = strawberry.field(
        default=None, description="Minutes of audiobooks to listen to."
    )
