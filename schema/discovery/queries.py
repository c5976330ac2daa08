"""Discovery queries: the feed, a reader's activity, rankings, recommendations, reading stats."""

from typing import Annotated

import strawberry
from asgiref.sync import sync_to_async
from django.core.files.storage import default_storage
from django.db.models import QuerySet
from graphql import GraphQLError

from apps.core.errors import ErrorCode
from apps.discovery import rankings
from apps.discovery.recommendations import recommend
from apps.media.year_card import year_in_books_card
from apps.reading import selectors
from apps.reading.stats import year_stats
from apps.social import feed
from apps.social.models import Activity
from schema.auth import require_user
from schema.context import Info
from schema.discovery.types import RankedBooks, ReadingStats, Recommendation, TimeWindow
from schema.fields import connection
from schema.pagination import CursorConnection
from schema.social.types import ActivityType

MAX_FIRST = 100


def _arg(description: str):
    return strawberry.argument(description=description)


def _first(first: int) -> int:
    if not 1 <= first <= MAX_FIRST:
        raise GraphQLError(
            f"`first` must be between 1 and {MAX_FIRST}.",
            extensions={"code": ErrorCode.INVALID.value, "field": "first"},
        )
    return first


async def _ranked(kind, first: int, **options) -> RankedBooks:
    first = _first(first)
    found = await sync_to_async(rankings.ranking)(kind, **options)
    return RankedBooks(computed_at=found.computed_at, book_ids=found.book_ids[:first])


GenreArg = Annotated[
    str | None, _arg("Only books of this genre (by slug) or of its direct sub-genres.")
]
FirstArg = Annotated[int, _arg("How many books, 1 to 100.")]


@strawberry.type
class DiscoveryQuery:
    @connection(
        CursorConnection[ActivityType],
        description="The viewer's home feed: what the readers they follow did (shelved, "
        "started, finished, rated, reviewed, listed, followed), newest first, as far as each "
        "activity's privacy and its reader's profile privacy allow. Requires login.",
    )
    def feed(self, info: Info) -> QuerySet[Activity]:
        return feed.feed(require_user(info))

    @connection(
        CursorConnection[ActivityType],
        description="What one reader did, newest first, for their profile page: empty when "
        "there is no such reader or their profile is hidden from the viewer.",
    )
    def user_activity(
        self, info: Info, username: Annotated[str, _arg("The reader's username (any case).")]
    ) -> QuerySet[Activity]:
        return feed.user_activity(info.context.user, username)

    @strawberry.field(
        description="Books readers are busy with in the window: finishing, reviewing, "
        "rating, starting, shelving them. Cached for a few minutes (see `computedAt`)."
    )
    async def trending_books(
        self,
        window: Annotated[TimeWindow, _arg("How far back to look.")] = rankings.Window.WEEK,
        genre: GenreArg = None,
        first: FirstArg = 20,
    ) -> RankedBooks:
        return await _ranked(rankings.Kind.TRENDING, first, window=window, genre=genre)

    @strawberry.field(
        description="The most rated books: by BookNest ratings count, then by the ratings "
        "count of the catalogue source (imports) for books equal on BookNest (so an unrated "
        "catalogue is still ordered). Cached (see `computedAt`)."
    )
    async def popular_books(self, genre: GenreArg = None, first: FirstArg = 20) -> RankedBooks:
        return await _ranked(rankings.Kind.POPULAR, first, genre=genre)

    @strawberry.field(
        description="The best rated books by Bayesian average: each book's ratings blended "
        "with `RANKINGS_BAYES_WEIGHT` ratings at the mean of all BookNest ratings, so a book "
        "with a single 5-star rating does not top the list. Cached (see `computedAt`)."
    )
    async def top_rated_books(self, genre: GenreArg = None, first: FirstArg = 20) -> RankedBooks:
        return await _ranked(rankings.Kind.TOP_RATED, first, genre=genre)

    @strawberry.field(
        description="Books for the viewer: liked by readers who liked what the viewer liked "
        "(with the reason), then popular books of the viewer's interests, then popular books. "
        "Never a book the viewer has shelved or rated. Requires login."
    )
    async def recommended_books(
        self, info: Info, first: Annotated[int, _arg("How many books, 1 to 100.")] = 10
    ) -> list[Recommendation]:
        viewer = require_user(info)
        found = await sync_to_async(recommend)(viewer, _first(first))
        return [
            Recommendation(
                book_id=r.book_id, because_of_id=r.because_of_id, reason=r.reason, score=r.score
            )
            for r in found
        ]

    @strawberry.field(
        description="A reader's year in books. Without `username`, the viewer's (logging in "
        "is then required). Null when there is no such reader or their profile privacy hides "
        "their shelves from the viewer."
    )
    async def reading_stats(
        self,
        info: Info,
        year: Annotated[int, _arg("The calendar year.")],
        username: Annotated[str | None, _arg("Whose year; the viewer's when omitted.")] = None,
    ) -> ReadingStats | None:
        stats = await sync_to_async(_stats)(info, year, username)
        return None if stats is None else ReadingStats(stats=stats)

    @strawberry.field(
        description="The URL of a PNG picture of a reader's year in books (1080 × 1080: "
        "covers, counts and a month chart) to share. Drawn on the server and kept in media "
        "storage; drawn anew when the year's data changes. Without `username`, the viewer's "
        "(logging in is then required). Null when there is no such reader or their profile "
        "privacy hides their shelves from the viewer."
    )
    async def year_in_books_image(
        self,
        info: Info,
        year: Annotated[int, _arg("The calendar year.")],
        username: Annotated[str | None, _arg("Whose year; the viewer's when omitted.")] = None,
    ) -> str | None:
        return await sync_to_async(_year_card_url)(info, year, username)


def _year_card_url(info: Info, year: int, username: str | None) -> str | None:
    owner = _owner(info, year, username)
    if owner is None:
        return None
    card = year_in_books_card(owner.pk, year)
    url = default_storage.url(card.key)
    build = getattr(info.context.request, "build_absolute_uri", None)
    return build(url) if build and "://" not in url else url


def _owner(info: Info, year: int, username: str | None):
    """The reader whose year is asked for, when the viewer may see their shelves."""
    if not 1 <= year <= 9999:
        raise GraphQLError(
            "`year` must be between 1 and 9999.",
            extensions={"code": ErrorCode.INVALID.value, "field": "year"},
        )
    if username is not None and "\x00" in username:  # PostgreSQL text cannot hold NUL
        return None
    viewer = info.context.user
    owner = require_user(info) if username is None else selectors.user_by_username(username)
    if owner is None or not selectors.shelves_visible(viewer, owner):
        return None
    return owner


def _stats(info: Info, year: int, username: str | None):
    owner = _owner(info, year, username)
    return None if owner is None else year_stats(owner.pk, year)
