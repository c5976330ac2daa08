"""Reading queries: shelves, reviews, reading lists and goals, as the viewer may see them."""

from typing import Annotated

import strawberry
import strawberry_django
from asgiref.sync import sync_to_async
from django.db.models import QuerySet
from graphql import GraphQLError
from strawberry import relay

from apps.core.errors import ErrorCode
from apps.reading import selectors
from apps.reading.models import ReadingList, Review, UserBook
from schema.auth import require_user
from schema.compiled.forms import Root, sql
from schema.context import Info
from schema.enums import ReadingStatusEnum
from schema.fields import connection
from schema.pagination import CursorConnection
from schema.reading.types import ReadingGoalType, ReadingListType, ReviewType, UserBookType


def _arg(description: str):
    return strawberry.argument(description=description)


def _database_id(global_id: relay.GlobalID, type_name: str) -> int | None:
    """The database id of a global id of `type_name`; None for any other id."""
    if global_id.type_name != type_name or not str(global_id.node_id).isdigit():
        return None
    return int(global_id.node_id)


def _reading_list(viewer, id: relay.GlobalID) -> QuerySet[ReadingList]:
    pk = _database_id(id, "ReadingList")
    return ReadingList.objects.none() if pk is None else selectors.reading_list_rows(viewer, pk)


@strawberry.type
class ReadingQuery:
    @connection(
        CursorConnection[UserBookType],
        description="A reader's shelves, most recently updated first, optionally one status. "
        "Empty when the reader's profile privacy hides their shelves from the viewer.",
    )
    def user_books(
        self,
        info: Info,
        username: Annotated[str, _arg("The reader's username (any case).")],
        status: Annotated[
            ReadingStatusEnum | None, _arg("Only this shelf; all shelves when omitted.")
        ] = None,
    ) -> QuerySet[UserBook]:
        return selectors.user_books(info.context.user, username, status)

    @connection(
        CursorConnection[ReviewType],
        description="Reviews of a book (`bookId`) or by a reader (`username`) — give exactly "
        "one — that the viewer may see, newest first.",
    )
    def reviews(
        self,
        info: Info,
        book_id: Annotated[relay.GlobalID | None, _arg("Reviews of this book.")] = None,
        username: Annotated[str | None, _arg("Reviews by this reader.")] = None,
    ) -> QuerySet[Review]:
        if (book_id is None) == (username is None):
            raise GraphQLError(
                "Give exactly one of `bookId` and `username`.",
                extensions={"code": ErrorCode.INVALID.value},
            )
        if book_id is not None:
            pk = _database_id(book_id, "Book")
            if pk is None:
                return Review.objects.none()
            return selectors.reviews(info.context.user, book_id=pk)
        return selectors.reviews(info.context.user, username=username)

    @sql(Root(lambda viewer, id: _reading_list(viewer, id)))
    @strawberry_django.field(
        description="A reading list, by id; null when there is none or the viewer may not see it."
    )
    async def reading_list(
        self, info: Info, id: Annotated[relay.GlobalID, _arg("The list's global id.")]
    ) -> ReadingListType | None:
        return await _reading_list(info.context.user, id).afirst()

    @connection(
        CursorConnection[ReadingListType],
        description="A reader's reading lists that the viewer may see, by name.",
    )
    def reading_lists(
        self, info: Info, owner: Annotated[str, _arg("The owner's username (any case).")]
    ) -> QuerySet[ReadingList]:
        return selectors.reading_lists(info.context.user, owner)

    @strawberry_django.field(
        description="A reader's goal for `year`, with progress. Without `username`, the "
        "viewer's own (logging in is then required). Null when there is no goal, or the "
        "reader's profile privacy hides it from the viewer."
    )
    async def reading_goal(
        self,
        info: Info,
        year: Annotated[int, _arg("The calendar year.")],
        username: Annotated[str | None, _arg("Whose goal; the viewer's when omitted.")] = None,
    ) -> ReadingGoalType | None:
        viewer = info.context.user
        if username is None:
            owner = require_user(info)
        else:
            owner = await sync_to_async(selectors.user_by_username)(username)
            if owner is None:
                return None
        return await sync_to_async(selectors.reading_goal)(viewer, owner, year)
