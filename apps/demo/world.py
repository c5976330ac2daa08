"""Builds the demo world: the catalogue, the readers and everything they did, in one go.

`build_world()` is idempotent and deterministic: the catalogue is upserted from the fixtures,
the demo accounts are kept, and everything the demo accounts own is deleted and rebuilt from
the cast with fixed seeds and dates, so two builds give the same shelves, ratings and feed
(only database ids and the lending clock differ). It runs in one transaction: a failed
build leaves the database as it was.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from apps.accounts.models import Profile, ProfileInterest, ProfileSocialLink, User
from apps.catalog.models import Author, Book, BookAuthor, Edition, Genre, Series
from apps.conversation.models import Comment, Like
from apps.demo.bulk import update_rows
from apps.demo.catalogue import build_catalogue
from apps.demo.editions import build_editions, choose_editions
from apps.demo.feed import build_activities, build_notifications
from apps.demo.lending import build_lending
from apps.demo.life import build_reading_life
from apps.demo.lists import build_goals, build_lists
from apps.demo.people import save_follows, save_profiles, save_users
from apps.demo.shelves import build_shelves
from apps.demo.talk import build_talk
from apps.impressions.models import BookTraitVote, Quote
from apps.lending.models import BookCopy, Reservation
from apps.notifications.models import Notification, NotificationPreference, NotificationType
from apps.reading.models import (
    JournalEntry,
    Rating,
    ReadingGoal,
    ReadingList,
    ReadingListItem,
    Review,
    UpNextItem,
    UserBook,
)
from apps.social.models import Activity, Follow

# What the summary counts, in the order it prints them.
SUMMARY_MODELS: list[type[models.Model]] = [
    Genre,
    Author,
    Series,
    Book,
    Edition,
    BookAuthor,
    User,
    Profile,
    ProfileInterest,
    ProfileSocialLink,
    Follow,
    UserBook,
    Rating,
    Review,
    ReadingList,
    ReadingListItem,
    ReadingGoal,
    JournalEntry,
    Quote,
    BookTraitVote,
    UpNextItem,
    BookCopy,
    Reservation,
    Activity,
    Comment,
    Like,
    NotificationType,
    Notification,
]
CENT = Decimal("0.01")


def build_world() -> dict[str, int]:
    """Builds (or rebuilds) the world; returns the rows per model in the whole database."""
    with transaction.atomic():
        catalogue = build_catalogue()
        build_editions([demo.book for demo in catalogue.books])
        users = save_users()
        clear_demo_data(users.values())
        people = save_profiles(users, catalogue.genres)
        follows = save_follows(people)
        shelves = build_shelves(people, catalogue)
        choose_editions([entry for shelf in shelves.values() for entry in shelf.entries])
        items = build_lists(shelves)
        build_goals(shelves)
        build_reading_life(shelves)
        lending = build_lending(shelves, timezone.now())
        build_activities(people, shelves, items, follows)
        build_notifications(follows, lending)
        build_talk(users.values())
        recompute_book_ratings()
    return count_rows()


def clear_demo_data(users) -> None:
    """Deletes everything the demo accounts own or took part in, keeping the accounts.

    Reservations go first: a copy is PROTECTed by the reservations that held it, and another
    reader's reservation of a demo copy must not block the rebuild.
    """
    users = list(users)
    Reservation.objects.filter(Q(user__in=users) | Q(copy__owner__in=users)).delete()
    Notification.objects.filter(Q(recipient__in=users) | Q(actor__in=users)).delete()
    user_type = ContentType.objects.get_for_model(User)
    Activity.objects.filter(
        Q(actor__in=users) | Q(target_type=user_type, target_id__in=[u.pk for u in users])
    ).delete()
    Follow.objects.filter(Q(follower__in=users) | Q(followee__in=users)).delete()
    # Their comments and likes anywhere (those on their own things go with those things).
    Like.objects.filter(user__in=users).delete()
    Comment.objects.filter(author__in=users).delete()
    for model, field in [
        (BookCopy, "owner"),
        (ReadingList, "owner"),  # with its items
        (ReadingGoal, "user"),
        (Quote, "user"),
        (BookTraitVote, "user"),  # with its moods and warnings
        (UpNextItem, "user"),
        (Review, "user"),
        (Rating, "user"),
        (UserBook, "user"),
        (NotificationPreference, "user"),
        (ProfileInterest, "profile__user"),
        (ProfileSocialLink, "profile__user"),
    ]:
        model.objects.filter(**{f"{field}__in": users}).delete()


def recompute_book_ratings() -> int:
    """Sets every book's `average_rating` (2 decimals, half up) and `ratings_count` from its
    Rating rows; returns how many books changed.

    The demo writes ratings in bulk, past the rating services that keep these in step, so it
    recomputes them itself. Sums of half steps are exact in any backend's arithmetic.
    """
    totals = {
        row["book"]: (row["total"], row["n"])
        for row in Rating.objects.values("book").annotate(total=Sum("value"), n=Count("id"))
    }
    changed = []
    for book in Book.objects.only("id", "average_rating", "ratings_count").iterator(2000):
        total, n = totals.get(book.pk, (0, 0))
        average = (Decimal(str(total)) / n).quantize(CENT, ROUND_HALF_UP) if n else Decimal(0)
        if book.average_rating != average or book.ratings_count != n:
            book.average_rating, book.ratings_count = average, n
            changed.append(book)
    update_rows(Book, changed, ["average_rating", "ratings_count"])
    return len(changed)


def count_rows() -> dict[str, int]:
    return {str(model._meta.verbose_name_plural): model.objects.count() for model in SUMMARY_MODELS}
