"""A reader with a bit of everything BookNest can hold about someone, and neighbours around
them: for the account deletion and personal data export tests."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.personal_tokens import create_personal_access_token
from apps.accounts.tokens import create_refresh_token
from apps.catalog.models import Book
from apps.lending.models import BookCopy, Reservation, ReservationStatus
from apps.notifications.types import NEW_FOLLOWER
from apps.reading.models import ReadingStatus
from apps.reading.services.ratings import refresh_rating_stats
from apps.social.models import Verb
from tests.factories import (
    make_activity,
    make_book,
    make_book_copy,
    make_follow,
    make_import_job,
    make_import_row_error,
    make_notification,
    make_notification_preference,
    make_profile,
    make_profile_interest,
    make_rating,
    make_reading_goal,
    make_reading_list,
    make_reading_list_item,
    make_reservation,
    make_review,
    make_social_link,
    make_user,
    make_user_book,
)
from tests.schema.accounts.helpers import PASSWORD


@dataclass
class World:
    ada: User
    bob: User
    carol: User
    dan: User
    eve: User
    frank: User
    shared_book: Book  # rated by ada (5) and bob (3)
    ada_only_book: Book  # rated by ada alone
    held_by_bob: Reservation  # READY on ada's copy
    lent_to_carol: Reservation  # ON_LOAN of ada's copy
    bobs_history: Reservation  # RETURNED, of ada's copy
    dan_waiting: Reservation  # WAITING for a book only ada lends
    eves_copy: BookCopy  # held READY by ada, frank waiting behind her
    frank_waiting: Reservation
    pat_secret: str
    refresh_secret: str


def _ready(user, copy, **kwargs):
    now = timezone.now()
    return make_reservation(
        user,
        copy.book,
        copy=copy,
        status=ReservationStatus.READY,
        ready_at=now,
        pickup_deadline=now + timedelta(days=3),
        **kwargs,
    )


def build_world() -> World:
    ada = make_user("ada", password=PASSWORD, first_name="Ada")
    bob, carol, dan, eve, frank = (make_user(n) for n in ("bob", "carol", "dan", "eve", "frank"))

    profile = make_profile(ada, display_name="Ada L.", bio="Counting engines")
    make_profile_interest(profile, text="cosy mysteries")
    make_social_link(profile, platform="website", url="https://ada.example")

    shared_book, ada_only_book, listed = make_book("Dune"), make_book("Emma"), make_book("Kim")
    make_user_book(
        ada,
        shared_book,
        status=ReadingStatus.READ,
        started_at=date(2024, 1, 2),
        finished_at=date(2024, 2, 3),
        private_notes="loved it",
    )
    make_user_book(ada, ada_only_book, status=ReadingStatus.READING, progress_pages=12)
    make_rating(ada, shared_book, value=Decimal("5"))
    make_rating(bob, shared_book, value=Decimal("3"))
    make_rating(ada, ada_only_book, value=Decimal("4.5"))
    for book in (shared_book, ada_only_book):
        refresh_rating_stats(book.pk)
    review = make_review(ada, shared_book, body="Spice!", title="Great")
    reading_list = make_reading_list(ada, name="Desert island")
    make_reading_list_item(reading_list, listed)
    make_reading_goal(ada, year=2024, books_target=12)

    make_follow(ada, bob)
    make_follow(carol, ada)
    make_activity(ada, review, verb=Verb.REVIEWED, book=shared_book)
    make_activity(carol, ada, verb=Verb.FOLLOWED)  # carol's activity, about ada
    make_activity(bob, reading_list, verb=Verb.LISTED)  # bob's, about ada's list
    make_activity(bob, listed)  # bob's, about a book: stays
    from apps.notifications.models import NotificationType

    follower_type = NotificationType.objects.get(key=NEW_FOLLOWER)
    make_notification(ada, type=follower_type, actor=carol, target=carol)
    make_notification(bob, type=follower_type, actor=ada, target=ada)  # caused by ada
    make_notification(eve, type=follower_type, target=review)  # about ada's review
    make_notification(eve, type=follower_type, target=listed)  # about a book: stays
    make_notification_preference(ada, type=follower_type, in_app=True, email=False)

    copy_ready = make_book_copy(make_book("Ulysses"), ada, location="shelf A")
    copy_lent = make_book_copy(make_book("Iliad"), ada)
    held_by_bob = _ready(bob, copy_ready)
    now = timezone.now()
    lent_to_carol = make_reservation(
        carol,
        copy_lent.book,
        copy=copy_lent,
        status=ReservationStatus.ON_LOAN,
        ready_at=now,
        pickup_deadline=now,
        loaned_at=now,
        due_at=now + timedelta(days=20),
    )
    bobs_history = make_reservation(
        bob,
        copy_lent.book,
        copy=copy_lent,
        status=ReservationStatus.RETURNED,
        returned_at=now - timedelta(days=30),
    )
    dan_waiting = make_reservation(dan, copy_ready.book)
    eves_copy = make_book_copy(make_book("Odyssey"), eve)
    adas_hold = _ready(ada, eves_copy)
    make_notification(eve, type=follower_type, target=adas_hold)  # about ada's reservation
    frank_waiting = make_reservation(frank, eves_copy.book)

    job = make_import_job(ada, status="failed", total_rows=3, processed_rows=1, failed_count=1)
    make_import_row_error(job, reason="No title", raw={"Title": ""})
    refresh = create_refresh_token(ada, user_agent="Kobo/4.38")
    _, pat_secret = create_personal_access_token(ada, "kobo", ["read"], 30)
    return World(
        ada,
        bob,
        carol,
        dan,
        eve,
        frank,
        shared_book,
        ada_only_book,
        held_by_bob,
        lent_to_carol,
        bobs_history,
        dan_waiting,
        eves_copy,
        frank_waiting,
        pat_secret,
        refresh.token,
    )
