"""The feed and the inbox: Activity rows for what readers did, and their notifications.

Activities are derived from the rows already written (shelf entries, ratings, reviews, list
items, follows), at the times those rows carry, so the feed tells the same story as the
shelves. Targets follow `Activity`'s convention: the book for shelving, starting, finishing and
rating; the review, the list, or the followed user otherwise. Privacy is the source's, and
never looser than the reader's profile (a followers-only reader's shelving is followers-only).
"""

from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType

from apps.accounts.models import User
from apps.catalog.models import Book
from apps.demo.bulk import bulk_create_stamped
from apps.demo.cast import DEMO_USERNAME
from apps.demo.clock import moment, reference_moment, rng_for
from apps.demo.lending import Lending
from apps.demo.people import Person
from apps.demo.shelves import Shelf, stricter
from apps.lending.models import Reservation, ReservationStatus
from apps.notifications import types
from apps.notifications.models import Notification, NotificationType
from apps.reading.models import ReadingList, ReadingListItem, ReadingStatus, Review
from apps.social.models import Activity, Follow, Verb


def build_activities(
    people: dict[str, Person],
    shelves: dict[str, Shelf],
    items: list[ReadingListItem],
    follows: list[Follow],
) -> list[Activity]:
    ct = ContentType.objects.get_for_models(Book, Review, ReadingList, User)
    privacy_of = {person.user.pk: person.profile.privacy for person in people.values()}
    rng = rng_for("feed")
    activities, stamps = [], []

    def add(actor, verb, target, at, book=None, data=None, privacy=None):
        activities.append(
            Activity(
                actor=actor,
                verb=verb,
                target_type=ct[type(target)],
                target_id=target.pk,
                book=book,
                data=data or {},
                privacy=stricter(privacy_of[actor.pk], privacy or privacy_of[actor.pk]),
            )
        )
        stamps.append({"created_at": at})

    for shelf in shelves.values():
        user = shelf.person.user
        for entry in shelf.entries:
            book, rating = entry.book, shelf.ratings.get(id(entry))
            if entry.status == ReadingStatus.WANT_TO_READ:
                add(user, Verb.SHELVED, book, entry.created_at, book, {"status": entry.status})
                continue
            started = max(moment(entry.started_at, rng), entry.created_at)
            add(user, Verb.STARTED, book, started, book)
            if entry.status == ReadingStatus.READ:
                finished = moment(entry.finished_at, rng)
                if rating is not None:  # finishing comes before rating it
                    finished = min(finished, rating.created_at - timedelta(minutes=2))
                data = {"read_count": entry.read_count}
                add(user, Verb.FINISHED, book, max(finished, started), book, data)
            elif entry.status != ReadingStatus.READING:
                add(user, Verb.SHELVED, book, entry.updated_at, book, {"status": entry.status})
            if rating is not None:
                data = {"rating": float(rating.value)}
                add(user, Verb.RATED, book, rating.created_at, book, data)
        for review in shelf.reviews:
            data = {"spoiler": review.spoiler}
            add(user, Verb.REVIEWED, review, review.created_at, review.book, data, review.privacy)
    for item in items:
        reading_list = item.reading_list
        data = {"position": item.position}
        add(
            reading_list.owner,
            Verb.LISTED,
            reading_list,
            item.added_at,
            item.book,
            data,
            reading_list.privacy,
        )
    for follow in follows:
        add(follow.follower, Verb.FOLLOWED, follow.followee, follow.created_at)
    bulk_create_stamped(Activity, activities, stamps)
    return activities


def notification_types() -> dict[str, NotificationType]:
    """The notification types, created from `types.DEFAULTS` if the migration's rows are gone.

    A test database flushed between tests loses migration data; the demo must still build.
    """
    found = {t.key: t for t in NotificationType.objects.filter(key__in=types.KEYS)}
    for default in types.DEFAULTS:
        if default.key not in found:
            found[default.key] = NotificationType.objects.create(**default._asdict())
    return found


def build_notifications(follows: list[Follow], lending: Lending) -> list[Notification]:
    """New-follower notices for every follow and a notice for each hold that is ready.

    Older notices are read; the last ten days' are not, and neither are the demo account's
    three newest, so the inbox of whoever logs in as `demo` has something to mark as read.
    """
    kinds = notification_types()
    ct = ContentType.objects.get_for_models(User, Reservation)
    recent = reference_moment() - timedelta(days=10)
    demo_newest = sorted(
        (f for f in follows if f.followee.username == DEMO_USERNAME),
        key=lambda f: f.created_at,
    )[-3:]
    notifications, stamps = [], []
    for follow in follows:
        unread = follow.created_at >= recent or follow in demo_newest
        notifications.append(
            Notification(
                recipient=follow.followee,
                actor=follow.follower,
                type=kinds[types.NEW_FOLLOWER],
                target_type=ct[User],
                target_id=follow.follower.pk,
                data={"username": follow.follower.username},
                read_at=None if unread else _later(follow.created_at),
            )
        )
        stamps.append({"created_at": follow.created_at})
    for reservation in lending.reservations:
        if reservation.status != ReservationStatus.READY:
            continue
        unread = reservation.user.username == DEMO_USERNAME
        notifications.append(
            Notification(
                recipient=reservation.user,
                actor=reservation.copy.owner,
                type=kinds[types.RESERVATION_READY],
                target_type=ct[Reservation],
                target_id=reservation.pk,
                data={
                    "book_id": reservation.book_id,
                    "book_title": reservation.book.title,
                    "pickup_deadline": reservation.pickup_deadline.isoformat(),
                },
                read_at=None if unread else _later(reservation.ready_at),
            )
        )
        stamps.append({"created_at": reservation.ready_at})
    bulk_create_stamped(Notification, notifications, stamps)
    return notifications


def _later(at: datetime) -> datetime:
    return at + timedelta(hours=3)
