"""The `Subscription` root: live streams for the viewer, a book page and an import job.

Every stream works the same way: listen to channel-layer groups, and for each message (ids only)
re-read the object from the database *as the subscriber* — through the GraphQL type's own
visibility filter — with fresh loaders, and deliver it only if the subscriber may see it now.
Authentication is checked at `connection_init`; the connection closes (4403) when its token
expires or is revoked (schema/ws.py, apps/accounts/live_connections.py), and the client
reconnects with a renewed token.
"""

from collections.abc import AsyncGenerator
from types import SimpleNamespace
from typing import Annotated

import strawberry
from django.utils import timezone
from graphql import GraphQLError
from strawberry import relay

from apps.accounts.models import User
from apps.catalog.selectors import current_book
from apps.conversation.models import Comment
from apps.core.errors import ErrorCode
from apps.core.events import book_group, import_group, user_group
from apps.imports.models import ImportJob
from apps.lending.events import ReservationChange
from apps.lending.models import Reservation
from apps.notifications.models import Notification
from apps.notifications.services import unread_count
from apps.reading.models import Rating, Review
from apps.social.blocking import blocked_with
from apps.social.models import Activity, Follow, Mute
from schema.auth import require_user
from schema.context import Context, Info
from schema.conversation.types import CommentType
from schema.lending.types import ReservationType
from schema.notifications.types import NotificationType
from schema.reading.types import RatingType, ReviewType
from schema.social.types import ActivityType
from schema.subscriptions.listen import db, listening, renew_loaders, shared
from schema.subscriptions.types import (
    BookActivityEvent,
    FollowEvent,
    ImportProgress,
    NotificationEvent,
    ReservationEvent,
)


def not_found(what: str) -> GraphQLError:
    return GraphQLError(f"No {what} with this id.", extensions={"code": ErrorCode.NOT_FOUND.value})


# What an anonymous viewer may see: the rule for public streams, shared by all their subscribers.
ANYONE = SimpleNamespace(context=Context(request=None))


def visible(type_class, queryset, info: Info):
    """The first row of `queryset` that the viewer may see, by the type's own rule (or None)."""
    return type_class.get_queryset(queryset, info).first()


def local_id(global_id: relay.GlobalID, type_name: str) -> int:
    if global_id.type_name != type_name or not str(global_id.node_id).isdigit():
        raise not_found(type_name)
    return int(global_id.node_id)


def followee_ids(viewer_id: int) -> list[int]:
    return list(Follow.objects.filter(follower_id=viewer_id).values_list("followee_id", flat=True))


@strawberry.type
class Subscription:
    """Live streams over WebSocket (`graphql-transport-ws` or legacy `graphql-ws`) at /graphql."""

    @strawberry.subscription(
        description="The viewer's new notifications as they are created (only kinds the viewer "
        "wants in the app), each with the new unread count. Requires login."
    )
    async def notification_added(self, info: Info) -> AsyncGenerator[NotificationEvent, None]:
        viewer = require_user(info)

        def load(notification_id: int) -> NotificationEvent | None:
            rows = Notification.objects.filter(pk=notification_id, recipient_id=viewer.pk)
            notification = visible(NotificationType, rows, info)
            if notification is None:
                return None
            return NotificationEvent(notification=notification, unread_count=unread_count(viewer))

        async with listening(info, [user_group(viewer.pk)]) as listener:
            async for message in listener.messages():
                if message["event"] == "notification_added":
                    renew_loaders(info)
                    event = await db(load, message["notification_id"])
                    if event is not None:
                        yield event

    @strawberry.subscription(
        description="The viewer's unread notification count whenever it changes (a new "
        "notification, or notifications marked read on another device). Requires login."
    )
    async def unread_notification_count_changed(self, info: Info) -> AsyncGenerator[int, None]:
        viewer = require_user(info)
        async with listening(info, [user_group(viewer.pk)]) as listener:
            async for message in listener.messages():
                if message["event"] in ("notification_added", "notifications_read"):
                    yield await db(unread_count, viewer)

    @strawberry.subscription(
        description="Someone followed or stopped following the viewer. Requires login."
    )
    async def follow_events(self, info: Info) -> AsyncGenerator[FollowEvent, None]:
        viewer = require_user(info)

        def load(follower_id: int) -> User | None:
            return User.objects.filter(pk=follower_id, is_active=True).first()

        async with listening(info, [user_group(viewer.pk)]) as listener:
            async for message in listener.messages():
                if message["event"] == "follow_changed" and message["followee_id"] == viewer.pk:
                    renew_loaders(info)
                    follower = await db(load, message["follower_id"])
                    if follower is not None:
                        yield FollowEvent(follower=follower, following=message["following"])

    @strawberry.subscription(
        description="Live feed: new activities of the readers the viewer follows, as far as the "
        "viewer may see them. Follows and unfollows made while subscribed take effect at once. "
        "Requires login."
    )
    async def activity_added(self, info: Info) -> AsyncGenerator[ActivityType, None]:
        viewer = require_user(info)

        def load(activity_id: int) -> Activity | None:
            activity = visible(ActivityType, Activity.objects.filter(pk=activity_id), info)
            # Re-checked per event: an unfollow may still be on its way to this listener.
            if (
                activity is None
                or not Follow.objects.filter(
                    follower_id=viewer.pk, followee_id=activity.actor_id
                ).exists()
                or Mute.objects.filter(muter_id=viewer.pk, muted_id=activity.actor_id).exists()
            ):
                return None
            return activity

        followees = await db(followee_ids, viewer.pk)
        groups = [user_group(viewer.pk)] + [user_group(pk) for pk in followees]
        async with listening(info, groups) as listener:
            async for message in listener.messages():
                event = message["event"]
                if event == "follow_changed" and message["follower_id"] == viewer.pk:
                    group = user_group(message["followee_id"])
                    if message["following"]:
                        await listener.join(group)
                    else:
                        await listener.leave(group)
                elif event == "activity_added" and message["actor_id"] != viewer.pk:
                    renew_loaders(info)
                    activity = await db(load, message["activity_id"])
                    if activity is not None:
                        yield activity

    @strawberry.subscription(
        description="New public ratings and reviews of one book, and new comments on its public "
        "reviews, for a book page that updates itself. No login needed."
    )
    async def book_activity(
        self,
        info: Info,
        book_id: Annotated[
            relay.GlobalID, strawberry.argument(description="The book's global id.")
        ],
    ) -> AsyncGenerator[BookActivityEvent, None]:
        book = await db(current_book, local_id(book_id, "Book"))
        if book is None:
            raise not_found("Book")

        def load(message: dict) -> tuple[BookActivityEvent, frozenset[int]] | None:
            """The event, and the readers with a block with its review's or rating's author
            (either way: they never get it; a comment's rule is `seen_by_viewer`). Read once
            for every subscriber of the book in this process (`shared`): a query per subscriber
            took a rating 1.4 s to reach 1,000 of them."""
            event = public_event(message)
            if event is None:
                return None
            author = event.review or event.rating
            blocked = blocked_with(author.user_id) if author is not None else ()
            return event, frozenset(blocked)

        def public_event(message: dict) -> BookActivityEvent | None:
            # Public news only: read as an anonymous viewer would see it, so that one read
            # serves every subscriber of the book in this process (`shared`).
            if message["event"] == "rating_added":
                rows = Rating.objects.filter(pk=message["rating_id"]).select_related("book")
                rating = visible(RatingType, rows, ANYONE)
                return rating and BookActivityEvent(book=rating.book, rating=rating, review=None)
            if message["event"] == "review_added":
                rows = Review.objects.filter(pk=message["review_id"]).select_related("book")
                review = visible(ReviewType, rows, ANYONE)
                return review and BookActivityEvent(book=review.book, rating=None, review=review)
            if message["event"] == "comment_added":
                rows = Comment.objects.filter(pk=message["comment_id"]).select_related(
                    "review__book"
                )
                comment = visible(CommentType, rows, ANYONE)
                return comment and BookActivityEvent(
                    book=comment.review.book, rating=None, review=None, comment=comment
                )
            return None

        def seen_by_viewer(comment_id: int) -> bool:
            # Public news read once for all, then the one rule per logged-in subscriber: a
            # comment is absent for a reader with a block either way with its author.
            rows = Comment.objects.filter(pk=comment_id)
            return visible(CommentType, rows, info) is not None

        async with listening(info, [book_group(book.pk)]) as listener:
            async for message in listener.messages():
                renew_loaders(info)
                if message.get("event_id"):
                    loaded = await shared(("bookActivity", message["event_id"]), load, message)
                else:
                    loaded = await db(load, message)
                if loaded is None or info.context.viewer_id in loaded[1]:
                    continue
                event = loaded[0]
                per_viewer = event.comment is not None and info.context.viewer_id
                if per_viewer and not await db(seen_by_viewer, event.comment.pk):
                    continue
                yield event

    @strawberry.subscription(
        description="Counters and state of one of the viewer's import jobs: the current state "
        "at once, then every change; completes when the job has ended. Requires login; another "
        "reader's job is NOT_FOUND."
    )
    async def import_progress(
        self,
        info: Info,
        job_id: Annotated[
            relay.GlobalID, strawberry.argument(description="The import job's global id.")
        ],
    ) -> AsyncGenerator[ImportProgress, None]:
        viewer = require_user(info)
        pk = local_id(job_id, "ImportJob")

        def load() -> tuple[ImportProgress, float | None] | None:
            job = ImportJob.objects.filter(pk=pk, user_id=viewer.pk).first()
            if job is None:
                return None
            now = timezone.now()
            return ImportProgress.of(job, now), job.seconds_until_waiting(now)

        if await db(load) is None:
            raise not_found("ImportJob")
        async with listening(info, [import_group(pk)]) as listener:
            # Read after joining the group, so no change falls between the two.
            loaded = await db(load)
            last = None
            while loaded is not None:
                progress, until_waiting = loaded
                if progress != last:
                    yield progress
                    last = progress
                if progress.finished:
                    return
                # Waiting for a worker is the one change nobody publishes (nothing happens):
                # read the job again when it would begin, if no event comes first.
                timeout = until_waiting if until_waiting else None
                await listener.next_message(timeout=timeout and timeout + 0.5)
                loaded = await db(load)

    @strawberry.subscription(
        description="The viewer's reservations changing state: ready to pick up, lent, "
        "returned, cancelled, expired, due soon, overdue. Requires login."
    )
    async def reservation_updated(self, info: Info) -> AsyncGenerator[ReservationEvent, None]:
        viewer = require_user(info)

        def load(reservation_id: int) -> Reservation | None:
            rows = Reservation.objects.filter(pk=reservation_id, user_id=viewer.pk)
            return visible(ReservationType, rows, info)

        async with listening(info, [user_group(viewer.pk)]) as listener:
            async for message in listener.messages():
                if message["event"] == "reservation_updated":
                    renew_loaders(info)
                    reservation = await db(load, message["reservation_id"])
                    if reservation is not None:
                        change = ReservationChange(message["change"])
                        yield ReservationEvent(reservation=reservation, change=change)
