"""What the subscriptions deliver: one small payload type per stream."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from apps.imports.models import ImportStatus
from apps.lending.events import ReservationChange

if TYPE_CHECKING:
    from schema.accounts.types import UserType
    from schema.catalog.types import BookType
    from schema.conversation.types import CommentType
    from schema.lending.types import ReservationType
    from schema.notifications.types import NotificationType
    from schema.reading.types import RatingType, ReviewType

UserRef = Annotated["UserType", strawberry.lazy("schema.accounts.types")]
BookRef = Annotated["BookType", strawberry.lazy("schema.catalog.types")]
ReservationRef = Annotated["ReservationType", strawberry.lazy("schema.lending.types")]
NotificationRef = Annotated["NotificationType", strawberry.lazy("schema.notifications.types")]
RatingRef = Annotated["RatingType", strawberry.lazy("schema.reading.types")]
ReviewRef = Annotated["ReviewType", strawberry.lazy("schema.reading.types")]
CommentRef = Annotated["CommentType", strawberry.lazy("schema.conversation.types")]

ReservationChangeEnum = strawberry.enum(
    ReservationChange,
    name="ReservationChange",
    description="What happened to a reservation: ready to pick up, lent, returned, cancelled, "
    "expired (not picked up in time), due soon, or overdue.",
)
ImportProgressStatusEnum = strawberry.enum(
    ImportStatus,
    name="ImportProgressStatus",
    description="Where an import job stands: pending, running, or finished (succeeded, failed, "
    "cancelled).",
)


@strawberry.type(description="A new notification for the viewer and their new unread count.")
class NotificationEvent:
    notification: NotificationRef = strawberry.field(description="The new notification.")
    unread_count: int = strawberry.field(
        description="How many of the viewer's notifications are unread, this one included."
    )


@strawberry.type(description="Someone followed or stopped following the viewer.")
class FollowEvent:
    follower: UserRef = strawberry.field(description="The reader who (un)followed the viewer.")
    following: bool = strawberry.field(
        description="True when they started following the viewer, false when they stopped."
    )


@strawberry.type(description="A new public rating, review or comment on a review of a book.")
class BookActivityEvent:
    book: BookRef = strawberry.field(description="The book.")
    rating: RatingRef | None = strawberry.field(
        description="The new or changed rating; null when the event is not a rating."
    )
    review: ReviewRef | None = strawberry.field(
        description="The new review; null when the event is not a review."
    )
    comment: CommentRef | None = strawberry.field(
        default=None,
        description="The new comment (or reply) on a public review of the book; null when the "
        "event is not a comment.",
    )


@strawberry.type(description="A change of one of the viewer's reservations.")
class ReservationEvent:
    reservation: ReservationRef = strawberry.field(description="The reservation as it is now.")
    change: ReservationChangeEnum = strawberry.field(description="What happened to it.")


WAITING_FOR_WORKER = (
    "True when nobody is working on the job although somebody should: still PENDING after "
    "IMPORT_WAITING_FOR_WORKER_AFTER seconds (60 by default: no import worker took it; on a "
    "server with REDIS_URL, `python manage.py import_worker` is not running), or RUNNING "
    "without progress for IMPORT_STALE_AFTER seconds (its worker stopped; a running worker "
    "resumes it after its last committed batch). The job is kept and runs once a worker is "
    "there; tell the reader it is delayed, and the operator if it lasts. False otherwise, and "
    "once the job has ended."
)


@strawberry.type(description="The counters and state of one of the viewer's import jobs.")
class ImportProgress:
    id: relay.GlobalID = strawberry.field(description="The import job's global id.")
    status: ImportProgressStatusEnum = strawberry.field(description="Where the job stands.")
    total_rows: int | None = strawberry.field(
        description="Rows in the file; null until the file has been read."
    )
    processed_rows: int = strawberry.field(description="Rows handled so far.")
    created_count: int = strawberry.field(description="Rows that added a book to the library.")
    updated_count: int = strawberry.field(description="Rows that updated a library entry.")
    skipped_count: int = strawberry.field(description="Rows left out (already there, empty).")
    failed_count: int = strawberry.field(description="Rows that could not be imported.")
    error: str = strawberry.field(description="Why the whole job failed; empty otherwise.")
    finished: bool = strawberry.field(
        description="True once the job has ended; the subscription completes after this event."
    )
    waiting_for_worker: bool = strawberry.field(
        description=WAITING_FOR_WORKER + " The subscription sends an event when it turns true."
    )

    @classmethod
    def of(cls, job, now: datetime) -> "ImportProgress":
        return cls(
            id=relay.GlobalID("ImportJob", str(job.pk)),
            status=ImportStatus(job.status),
            total_rows=job.total_rows,
            processed_rows=job.processed_rows,
            created_count=job.created_count,
            updated_count=job.updated_count,
            skipped_count=job.skipped_count,
            failed_count=job.failed_count,
            error=job.error,
            finished=job.status
            in (ImportStatus.SUCCEEDED, ImportStatus.FAILED, ImportStatus.CANCELLED),
            waiting_for_worker=job.waiting_for_worker(now),
        )
