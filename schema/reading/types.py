"""GraphQL types of reading: shelves (UserBook) and their journal, ratings, reviews, reading
lists, up next and goals."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.timezone import localdate as today
from strawberry import relay

from apps.accounts.models import User
from apps.catalog.models import Book, Edition
from apps.reading import models
from apps.reading.progress import expected_by, percent
from apps.reading.selectors import journal_visible_q, profile_visible_q
from apps.social.visibility import visible_q
from schema.accounts.loaders import ProfileByUserIdLoader, UserByIdLoader
from schema.catalog.loaders import BookByIdLoader, EditionByIdLoader
from schema.compiled.forms import Expr, Rows, sql, when
from schema.context import Info
from schema.conversation.fields import commentable, likeable
from schema.enums import ModerationStatusEnum, PrivacyEnum, ReadingStatusEnum
from schema.fields import PkId, connection, model_field
from schema.pagination import CursorConnection
from schema.permissions import require_owner
from schema.reading.loaders import (
    BookByUserBookIdLoader,
    ItemCountByReadingListIdLoader,
    YearReadByUserYearLoader,
)

if TYPE_CHECKING:
    from schema.accounts.types import UserType
    from schema.catalog.edition_types import EditionType
    from schema.catalog.types import BookType

UserTypeRef = Annotated["UserType", strawberry.lazy("schema.accounts.types")]
BookTypeRef = Annotated["BookType", strawberry.lazy("schema.catalog.types")]
EditionTypeRef = Annotated["EditionType", strawberry.lazy("schema.catalog.edition_types")]


# `apps.reading.progress.entry_pages` as subqueries on the row's own columns.
_EDITION = Edition.objects.filter(pk=OuterRef("edition_id"))
ENTRY_PAGES_SQL = Case(
    When(Exists(_EDITION.filter(pages__isnull=False)), then=Subquery(_EDITION.values("pages")[:1])),
    When(Exists(_EDITION.filter(duration_minutes__isnull=False)), then=Value(None)),
    default=Subquery(Book.objects.filter(pk=OuterRef("book_id")).values("pages")[:1]),
    output_field=IntegerField(),
)

ITEMS_COUNT = Coalesce(
    Subquery(
        models.ReadingListItem.objects.filter(reading_list_id=OuterRef("pk"))
        .values("reading_list_id")
        .annotate(n=Count("id"))
        .values("n"),
        output_field=IntegerField(),
    ),
    0,
)


@strawberry.type
class OwnedByUser:
    """`user` and `book` of rows that have both, through the loaders (a base, not in the schema)."""

    @sql(Rows(lambda row, viewer: User.objects.filter(pk=row.user_id)))
    @strawberry.field(description="The reader.")
    def user(self, info: Info) -> UserTypeRef:
        # Not `async`: a reader selected with the row costs no coroutine (see `load_then`).
        if type(self).user.is_cached(self):  # selected with the row (`select_related`)
            user = self.user
            if User.profile.is_cached(user):  # with their profile, or the lack of one
                profile = getattr(user, "profile", None)
                info.context.loaders.get(ProfileByUserIdLoader).prime(user.pk, profile)
            return user
        return info.context.loaders.get(UserByIdLoader).load(self.user_id)

    @sql(Rows(lambda row, viewer: Book.objects.filter(pk=row.book_id)))
    @strawberry_django.field(description="The book.")
    async def book(self, info: Info) -> BookTypeRef:
        return await info.context.loaders.get(BookByIdLoader).load(self.book_id)


@strawberry_django.type(models.JournalEntry, name="JournalEntry")
class JournalEntryType(PkId, relay.Node):
    """A moment in a read: how far the reader was (a page or a percent), a note, or both.
    Progress updates (`updateProgress`) are entries without a note."""

    page: int | None = model_field(description="The page reached, when progress was in pages.")
    percent: float | None = model_field(description="The share read, when progress was in percent.")
    note: str = model_field(description="The reader's note, or empty.")
    spoiler: bool = model_field(description="Whether the note reveals the plot.")
    privacy: PrivacyEnum = model_field(
        description="Who may see the entry (the reader's profile privacy applies too)."
    )
    created_at: datetime = model_field(description="When it was written.")
    updated_at: datetime = model_field(description="Last edit.")

    @classmethod
    def get_queryset(cls, queryset, info: Info, **kwargs):
        # The entry's own privacy and the reader's profile privacy (their shelves' rule).
        return queryset.filter(journal_visible_q(info.context.user))

    @sql(Rows(lambda row, viewer: User.objects.filter(pk=row.user_id)))
    @strawberry_django.field(description="The reader.")
    async def user(self, info: Info) -> UserTypeRef:
        return await info.context.loaders.get(UserByIdLoader).load(self.user_id)

    @sql(Rows(lambda row, viewer: Book.objects.filter(user_books__pk=row.user_book_id)))
    @strawberry_django.field(description="The book.")
    async def book(self, info: Info) -> BookTypeRef:
        return await info.context.loaders.get(BookByUserBookIdLoader).load(self.user_book_id)

    @sql(Expr(lambda viewer: when(Q(user_id=viewer.pk))))
    @strawberry.field(description="Whether the viewer may edit or delete this entry.")
    def can_edit(self, info: Info) -> bool:
        return info.context.viewer_id == self.user_id


@strawberry_django.type(models.UpNextItem, name="UpNextItem")
class UpNextItemType:
    """A book in the viewer's up-next queue."""

    position: int = model_field(description="Place in the queue: 0 is next.")
    added_at: datetime = model_field(description="When it was queued.")

    @sql(Rows(lambda row, viewer: Book.objects.filter(pk=row.book_id)))
    @strawberry_django.field(description="The book.")
    async def book(self, info: Info) -> BookTypeRef:
        return await info.context.loaders.get(BookByIdLoader).load(self.book_id)


@strawberry_django.type(models.UserBook, name="UserBook")
class UserBookType(OwnedByUser, PkId, relay.Node):
    """A book on a reader's shelves: status, dates and progress."""

    status: ReadingStatusEnum = model_field(description="Which shelf.")
    started_at: date | None = model_field(description="When reading started.")
    finished_at: date | None = model_field(description="When reading finished.")
    progress_pages: int | None = model_field(description="Pages read, if tracked so.")
    progress_percent: float | None = model_field(description="Percent read, if tracked so.")
    read_count: int = model_field(description="Times the reader finished it.")
    owned_copies: int = model_field(description="Copies the reader owns.")
    created_at: datetime = model_field(description="When it was first shelved.")
    updated_at: datetime = model_field(description="Last change.")

    @classmethod
    def get_queryset(cls, queryset, info: Info, **kwargs):
        # Every way to reach shelf entries (node, connections) hides those of hidden profiles.
        return queryset.filter(profile_visible_q(info.context.user))

    @sql(Rows(lambda row, viewer: Edition.objects.filter(pk=row.edition_id)))
    @strawberry_django.field(
        description="The edition the reader reads or read; null when they did not say (the "
        "book's `defaultEdition` applies)."
    )
    async def edition(self, info: Info) -> EditionTypeRef | None:
        if self.edition_id is None:
            return None
        return await info.context.loaders.get(EditionByIdLoader).load(self.edition_id)

    @sql(Expr(lambda viewer: ENTRY_PAGES_SQL))
    @strawberry_django.field(
        description="Pages of the edition read: the entry's edition's (none for an audiobook "
        "edition), else the book's default edition's; null when unknown. `progressPages` is "
        "measured against it."
    )
    async def pages(self, info: Info) -> int | None:
        # `apps.reading.progress.pages_of`, through loaders.
        if self.edition_id is not None:
            edition = await info.context.loaders.get(EditionByIdLoader).load(self.edition_id)
            if edition is not None and edition.pages is not None:
                return edition.pages
            if edition is not None and edition.duration_minutes is not None:
                return None  # an audiobook: minutes, not pages
        book = await info.context.loaders.get(BookByIdLoader).load(self.book_id)
        return book.pages if book is not None else None

    @strawberry.field(description="The reader's private notes. Only the reader may read them.")
    def private_notes(self, info: Info) -> str:
        require_owner(info, self.user_id, "private notes")
        return self.private_notes

    @connection(
        CursorConnection[JournalEntryType],
        description="The reader's journal of this book (progress and notes), newest first: "
        "the entries the viewer may see.",
    )
    def journal(self) -> QuerySet[models.JournalEntry]:
        return models.JournalEntry.objects.filter(user_book_id=self.pk).order_by(
            "-created_at", "-id"
        )


@strawberry_django.type(models.Rating, name="Rating")
class RatingType(OwnedByUser, PkId, relay.Node):
    """A reader's rating of a book."""

    value: float = model_field(description="Stars, 0.5 to 5 in half steps.")
    created_at: datetime = model_field(description="When first rated.")
    updated_at: datetime = model_field(description="Last change.")

    @classmethod
    def get_queryset(cls, queryset, info: Info, **kwargs):
        # A reader's individual ratings follow their profile privacy, like their shelves.
        return queryset.filter(profile_visible_q(info.context.user))


@strawberry_django.type(models.Review, name="Review")
class ReviewType(OwnedByUser, likeable("review"), commentable("review"), PkId, relay.Node):
    """A reader's review of a book."""

    title: str = model_field(description="Headline, or empty.")
    body: str = model_field(description="The review text.")
    spoiler: bool = model_field(description="Whether the review reveals the plot.")
    privacy: PrivacyEnum = model_field(description="Who may see the review.")
    moderation_status: ModerationStatusEnum = model_field(
        description="`HIDDEN` when moderators hid the review: then only its author sees it."
    )
    created_at: datetime = model_field(description="When written.")
    updated_at: datetime = model_field(description="Last edit.")

    @classmethod
    def get_queryset(cls, queryset, info: Info, **kwargs):
        # Private reviews are absent for others wherever reviews are listed or fetched by id.
        return queryset.filter(visible_q(info.context.user))

    @sql(Expr(lambda viewer: when(Q(user_id=viewer.pk))))
    @strawberry.field(description="Whether the viewer may edit or delete this review.")
    def can_edit(self, info: Info) -> bool:
        return info.context.viewer_id == self.user_id


@strawberry_django.type(models.ReadingListItem, name="ReadingListItem")
class ReadingListItemType(PkId, relay.Node):
    """A book in a reading list, with the owner's note."""

    position: int = model_field(description="Order in the list, ascending.")
    note: str = model_field(description="The owner's note on this book.")
    added_at: datetime = model_field(description="When it was added.")

    @classmethod
    def get_queryset(cls, queryset, info: Info, **kwargs):
        return queryset.filter(
            visible_q(
                info.context.user, owner="reading_list__owner", privacy="reading_list__privacy"
            )
        )

    @sql(Rows(lambda row, viewer: Book.objects.filter(pk=row.book_id)))
    @strawberry_django.field(description="The book.")
    async def book(self, info: Info) -> BookTypeRef:
        return await info.context.loaders.get(BookByIdLoader).load(self.book_id)


@strawberry_django.type(models.ReadingList, name="ReadingList")
class ReadingListType(likeable("reading_list"), commentable("reading_list"), PkId, relay.Node):
    """A reader's own ordered list of books."""

    name: str = model_field(description="Name of the list.")
    description: str = model_field(description="What the list is about.")
    privacy: PrivacyEnum = model_field(description="Who may see the list.")
    moderation_status: ModerationStatusEnum = model_field(
        description="`HIDDEN` when moderators hid the list: then only its owner sees it."
    )
    created_at: datetime = model_field(description="When created.")
    updated_at: datetime = model_field(description="Last change.")

    @classmethod
    def get_queryset(cls, queryset, info: Info, **kwargs):
        return queryset.filter(visible_q(info.context.user, owner="owner"))

    @sql(Rows(lambda row, viewer: User.objects.filter(pk=row.owner_id)))
    @strawberry_django.field(description="Who keeps the list.")
    async def owner(self, info: Info) -> UserTypeRef:
        return await info.context.loaders.get(UserByIdLoader).load(self.owner_id)

    @sql(Expr(lambda viewer: ITEMS_COUNT))
    @strawberry_django.field(description="Number of books in the list.")
    async def items_count(self, info: Info) -> int:
        return await info.context.loaders.get(ItemCountByReadingListIdLoader).load(self.pk)

    @sql(Expr(lambda viewer: when(Q(owner_id=viewer.pk))))
    @strawberry.field(description="Whether the viewer may change this list.")
    def can_edit(self, info: Info) -> bool:
        return info.context.viewer_id == self.owner_id

    @connection(
        CursorConnection[ReadingListItemType],
        description="The books of the list, in the owner's order.",
    )
    def items(self) -> QuerySet[models.ReadingListItem]:
        return models.ReadingListItem.objects.filter(reading_list_id=self.pk).order_by(
            "position", "id"
        )


async def _year_read(info: Info, goal: models.ReadingGoal):
    return await info.context.loaders.get(YearReadByUserYearLoader).load((goal.user_id, goal.year))


@strawberry_django.type(models.ReadingGoal, name="ReadingGoal")
class ReadingGoalType(PkId, relay.Node):
    """A reader's target for a year, and how far along they are.

    A book counts when it is on the reader's `READ` shelf with a finish date in the year; its
    pages and minutes are those of the reader's copy. The schedule assumes an even pace over
    the year.
    """

    year: int = model_field(description="The calendar year.")
    books_target: int | None = model_field(description="Books to finish, if set.")
    pages_target: int | None = model_field(description="Pages to read, if set.")
    minutes_target: int | None = model_field(description="Minutes to listen, if set.")

    @classmethod
    def get_queryset(cls, queryset, info: Info, **kwargs):
        # Goals follow the reader's profile privacy, like their shelves.
        return queryset.filter(profile_visible_q(info.context.user))

    @strawberry_django.field(description="Whose goal it is.")
    async def user(self, info: Info) -> UserTypeRef:
        return await info.context.loaders.get(UserByIdLoader).load(self.user_id)

    @strawberry_django.field(description="Books finished in the year so far.")
    async def books_read(self, info: Info) -> int:
        return (await _year_read(info, self)).books

    @strawberry_django.field(
        description="Pages of the books finished in the year (books of unknown length add none)."
    )
    async def pages_read(self, info: Info) -> int:
        return (await _year_read(info, self)).pages

    @strawberry_django.field(
        description="Listening minutes of the audiobooks finished in the year (0 until shelf "
        "entries name an audiobook edition)."
    )
    async def minutes_read(self, info: Info) -> int:
        return (await _year_read(info, self)).minutes

    @strawberry_django.field(
        description="`minutesRead` as a percentage of `minutesTarget` (may pass 100), one "
        "decimal; null without a minutes target."
    )
    async def minutes_percent(self, info: Info) -> float | None:
        return percent((await _year_read(info, self)).minutes, self.minutes_target)

    @strawberry_django.field(
        description="`booksRead` as a percentage of `booksTarget` (may pass 100), one decimal; "
        "null without a books target."
    )
    async def books_percent(self, info: Info) -> float | None:
        return percent((await _year_read(info, self)).books, self.books_target)

    @strawberry_django.field(
        description="`pagesRead` as a percentage of `pagesTarget` (may pass 100), one decimal; "
        "null without a pages target."
    )
    async def pages_percent(self, info: Info) -> float | None:
        return percent((await _year_read(info, self)).pages, self.pages_target)

    @strawberry.field(
        description="Books an even pace would have finished by today (rounded down): the whole "
        "target for a past year, 0 for a future one; null without a books target."
    )
    def expected_by_today(self) -> int | None:
        return expected_by(self.books_target, self.year, today())

    @strawberry_django.field(
        description="Books ahead of schedule (`booksRead - expectedByToday`): positive when "
        "ahead, negative when behind; null without a books target."
    )
    async def ahead_by(self, info: Info) -> int | None:
        expected = expected_by(self.books_target, self.year, today())
        return None if expected is None else (await _year_read(info, self)).books - expected

    @strawberry.field(
        description="Pages an even pace would have read by today (rounded down); null without "
        "a pages target."
    )
    def pages_expected_by_today(self) -> int | None:
        return expected_by(self.pages_target, self.year, today())

    @strawberry_django.field(
        description="Pages ahead of schedule (`pagesRead - pagesExpectedByToday`): positive when "
        "ahead, negative when behind; null without a pages target."
    )
    async def pages_ahead_by(self, info: Info) -> int | None:
        expected = expected_by(self.pages_target, self.year, today())
        return None if expected is None else (await _year_read(info, self)).pages - expected
