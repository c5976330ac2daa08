"""GraphQL types of reading: shelves (UserBook), ratings, reviews, reading lists and goals."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry import relay
from strawberry_django.relay import DjangoCursorConnection

from apps.reading import models
from schema.accounts.loaders import UserByIdLoader
from schema.catalog.loaders import BookByIdLoader
from schema.context import Info
from schema.enums import PrivacyEnum, ReadingStatusEnum
from schema.permissions import require_owner
from schema.reading.loaders import ItemCountByReadingListIdLoader

if TYPE_CHECKING:
    from schema.accounts.types import UserType
    from schema.catalog.types import BookType

UserTypeRef = Annotated["UserType", strawberry.lazy("schema.accounts.types")]
BookTypeRef = Annotated["BookType", strawberry.lazy("schema.catalog.types")]


@strawberry.type
class OwnedByUser:
    """`user` and `book` of rows that have both, through the loaders (a base, not in the schema)."""

    @strawberry_django.field(description="The reader.")
    async def user(self, info: Info) -> UserTypeRef:
        return await info.context.loaders.get(UserByIdLoader).load(self.user_id)

    @strawberry_django.field(description="The book.")
    async def book(self, info: Info) -> BookTypeRef:
        return await info.context.loaders.get(BookByIdLoader).load(self.book_id)


@strawberry_django.type(models.UserBook, name="UserBook")
class UserBookType(OwnedByUser, relay.Node):
    """A book on a reader's shelves: status, dates and progress."""

    status: ReadingStatusEnum = strawberry_django.field(description="Which shelf.")
    started_at: date | None = strawberry_django.field(description="When reading started.")
    finished_at: date | None = strawberry_django.field(description="When reading finished.")
    progress_pages: int | None = strawberry_django.field(description="Pages read, if tracked so.")
    progress_percent: float | None = strawberry_django.field(
        description="Percent read, if tracked so."
    )
    read_count: int = strawberry_django.field(description="Times the reader finished it.")
    owned_copies: int = strawberry_django.field(description="Copies the reader owns.")
    created_at: datetime = strawberry_django.field(description="When it was first shelved.")
    updated_at: datetime = strawberry_django.field(description="Last change.")

    @strawberry_django.field(
        description="The reader's private notes. Only the reader may read them."
    )
    def private_notes(self, info: Info) -> str:
        require_owner(info, self.user_id, "private notes")
        return self.private_notes


@strawberry_django.type(models.Rating, name="Rating")
class RatingType(OwnedByUser, relay.Node):
    """A reader's rating of a book."""

    value: float = strawberry_django.field(description="Stars, 0.5 to 5 in half steps.")
    created_at: datetime = strawberry_django.field(description="When first rated.")
    updated_at: datetime = strawberry_django.field(description="Last change.")


@strawberry_django.type(models.Review, name="Review")
class ReviewType(OwnedByUser, relay.Node):
    """A reader's review of a book."""

    title: str = strawberry_django.field(description="Headline, or empty.")
    body: str = strawberry_django.field(description="The review text.")
    spoiler: bool = strawberry_django.field(description="Whether the review reveals the plot.")
    privacy: PrivacyEnum = strawberry_django.field(description="Who may see the review.")
    created_at: datetime = strawberry_django.field(description="When written.")
    updated_at: datetime = strawberry_django.field(description="Last edit.")

    @strawberry_django.field(description="Whether the viewer may edit or delete this review.")
    def can_edit(self, info: Info) -> bool:
        return info.context.viewer_id == self.user_id


@strawberry_django.type(models.ReadingListItem, name="ReadingListItem")
class ReadingListItemType(relay.Node):
    """A book in a reading list, with the owner's note."""

    position: int = strawberry_django.field(description="Order in the list, ascending.")
    note: str = strawberry_django.field(description="The owner's note on this book.")
    added_at: datetime = strawberry_django.field(description="When it was added.")

    @strawberry_django.field(description="The book.")
    async def book(self, info: Info) -> BookTypeRef:
        return await info.context.loaders.get(BookByIdLoader).load(self.book_id)


@strawberry_django.type(models.ReadingList, name="ReadingList")
class ReadingListType(relay.Node):
    """A reader's own ordered list of books."""

    name: str = strawberry_django.field(description="Name of the list.")
    description: str = strawberry_django.field(description="What the list is about.")
    privacy: PrivacyEnum = strawberry_django.field(description="Who may see the list.")
    created_at: datetime = strawberry_django.field(description="When created.")
    updated_at: datetime = strawberry_django.field(description="Last change.")

    @strawberry_django.field(description="Who keeps the list.")
    async def owner(self, info: Info) -> UserTypeRef:
        return await info.context.loaders.get(UserByIdLoader).load(self.owner_id)

    @strawberry_django.field(description="Number of books in the list.")
    async def items_count(self, info: Info) -> int:
        return await info.context.loaders.get(ItemCountByReadingListIdLoader).load(self.pk)

    @strawberry_django.field(description="Whether the viewer may change this list.")
    def can_edit(self, info: Info) -> bool:
        return info.context.viewer_id == self.owner_id

    @strawberry_django.connection(
        DjangoCursorConnection[ReadingListItemType],
        description="The books of the list, in the owner's order.",
    )
    def items(self) -> QuerySet[models.ReadingListItem]:
        return models.ReadingListItem.objects.filter(reading_list_id=self.pk).order_by(
            "position", "id"
        )


@strawberry_django.type(models.ReadingGoal, name="ReadingGoal")
class ReadingGoalType(relay.Node):
    """A reader's target for a year, and how far along they are."""

    year: int = strawberry_django.field(description="The calendar year.")
    books_target: int | None = strawberry_django.field(description="Books to finish, if set.")
    pages_target: int | None = strawberry_django.field(description="Pages to read, if set.")
