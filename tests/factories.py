"""Small factories for tests: plain functions that create one saved object with sane defaults.

Every keyword argument is passed through to the model, so a test states only what it cares about.
Names come from a counter, so objects made in one test never collide.
"""

import hashlib
import itertools
import uuid
from datetime import timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from apps.accounts.models import (
    EmailToken,
    EmailTokenPurpose,
    Profile,
    ProfileInterest,
    ProfileSocialLink,
    RefreshToken,
    Session,
    User,
)
from apps.catalog.editions import sync_from_book
from apps.catalog.models import Author, Book, BookAuthor, Genre, Series
from apps.conversation.models import Comment, Like
from apps.imports.models import ImportJob, ImportRowError
from apps.lending.models import BookCopy, Reservation
from apps.notifications.models import Notification, NotificationPreference, NotificationType
from apps.reading.models import (
    Rating,
    ReadingGoal,
    ReadingList,
    ReadingListItem,
    ReadingStatus,
    Review,
    UserBook,
)
from apps.social.models import Activity, Follow, Verb

_counter = itertools.count(1)


def next_number() -> int:
    """A number no other call in this process returns (for unique names)."""
    return next(_counter)


# --- accounts --------------------------------------------------------------------------------


def make_user(username: str | None = None, password: str | None = None, **kwargs) -> User:
    """A user; without a password it has an unusable one (hashing is slow). Its email address
    is verified unless `email_verified_at=None` is given (an established account)."""
    username = username or f"reader{next_number()}"
    kwargs.setdefault("email", f"{username}@example.com")
    kwargs.setdefault("email_verified_at", timezone.now())
    return User.objects.create_user(username=username, password=password, **kwargs)


def make_superuser(username: str | None = None, **kwargs) -> User:
    return make_user(username, is_staff=True, is_superuser=True, **kwargs)


def make_profile(user: User | None = None, **kwargs) -> Profile:
    """The user's profile (the existing one, updated with kwargs, if there is one already)."""
    profile, _ = Profile.objects.update_or_create(user=user or make_user(), defaults=kwargs)
    return profile


def make_profile_interest(profile: Profile | None = None, **kwargs) -> ProfileInterest:
    if "genre" not in kwargs:
        kwargs.setdefault("text", f"interest {next_number()}")
    return ProfileInterest.objects.create(profile=profile or make_profile(), **kwargs)


def make_social_link(profile: Profile | None = None, **kwargs) -> ProfileSocialLink:
    kwargs.setdefault("platform", "other")
    kwargs.setdefault("url", f"https://example.com/reader{next_number()}")
    return ProfileSocialLink.objects.create(profile=profile or make_profile(), **kwargs)


def make_session(user: User | None = None, **kwargs) -> Session:
    """A session that logged in now and lives a week (as a login would start it)."""
    now = timezone.now()
    kwargs.setdefault("created_at", now)
    kwargs.setdefault("last_used_at", now)
    kwargs.setdefault("expires_at", now + timedelta(days=7))
    return Session.objects.create(user=user or make_user(), **kwargs)


def make_email_token(user: User | None = None, **kwargs) -> EmailToken:
    """An unused verification token (its digest only: the token itself is not kept)."""
    user = user or make_user()
    now = timezone.now()
    kwargs.setdefault("purpose", EmailTokenPurpose.VERIFY_EMAIL)
    kwargs.setdefault("email", user.email)
    kwargs.setdefault("token_hash", hashlib.sha256(uuid.uuid4().bytes).hexdigest())
    kwargs.setdefault("created_at", now)
    kwargs.setdefault("expires_at", now + timedelta(days=3))
    return EmailToken.objects.create(user=user, **kwargs)


def make_refresh_token(user: User | None = None, **kwargs) -> RefreshToken:
    user = user or make_user()
    kwargs.setdefault("token_hash", hashlib.sha256(f"token{next_number()}".encode()).hexdigest())
    kwargs.setdefault("family", uuid.uuid4())
    kwargs.setdefault("token_version", user.token_version)
    kwargs.setdefault("expires_at", timezone.now() + timedelta(days=30))
    return RefreshToken.objects.create(user=user, **kwargs)


# --- catalog ---------------------------------------------------------------------------------


def make_author(name: str | None = None, **kwargs) -> Author:
    return Author.objects.create(name=name or f"Author {next_number()}", **kwargs)


def make_genre(name: str | None = None, **kwargs) -> Genre:
    number = next_number()
    name = name or f"Genre {number}"
    kwargs.setdefault("slug", f"genre-{number}")
    return Genre.objects.create(name=name, **kwargs)


def make_series(name: str | None = None, **kwargs) -> Series:
    return Series.objects.create(name=name or f"Series {next_number()}", **kwargs)


def make_book(title: str | None = None, authors=(), genres=(), **kwargs) -> Book:
    """A book; `authors` become its contributors (role "author") in the order given."""
    book = Book.objects.create(title=title or f"Book {next_number()}", **kwargs)
    sync_from_book(book)  # its default edition, as every service-made book has
    for position, author in enumerate(authors):
        BookAuthor.objects.create(book=book, author=author, position=position)
    if genres:
        book.genres.add(*genres)
    return book


def make_book_author(book: Book | None = None, author: Author | None = None, **kwargs):
    return BookAuthor.objects.create(
        book=book or make_book(), author=author or make_author(), **kwargs
    )


# --- reading ---------------------------------------------------------------------------------


def make_user_book(user: User | None = None, book: Book | None = None, **kwargs) -> UserBook:
    kwargs.setdefault("status", ReadingStatus.WANT_TO_READ)
    return UserBook.objects.create(user=user or make_user(), book=book or make_book(), **kwargs)


def make_rating(user: User | None = None, book: Book | None = None, **kwargs) -> Rating:
    kwargs.setdefault("value", Decimal("4.0"))
    return Rating.objects.create(user=user or make_user(), book=book or make_book(), **kwargs)


def make_review(user: User | None = None, book: Book | None = None, **kwargs) -> Review:
    kwargs.setdefault("body", "A fine book.")
    return Review.objects.create(user=user or make_user(), book=book or make_book(), **kwargs)


def make_reading_list(owner: User | None = None, **kwargs) -> ReadingList:
    kwargs.setdefault("name", f"List {next_number()}")
    return ReadingList.objects.create(owner=owner or make_user(), **kwargs)


def make_reading_list_item(
    reading_list: ReadingList | None = None, book: Book | None = None, **kwargs
) -> ReadingListItem:
    reading_list = reading_list or make_reading_list()
    kwargs.setdefault("position", reading_list.items.count())
    return ReadingListItem.objects.create(
        reading_list=reading_list, book=book or make_book(), **kwargs
    )


def make_reading_goal(user: User | None = None, **kwargs) -> ReadingGoal:
    kwargs.setdefault("year", 2026)
    if "pages_target" not in kwargs:
        kwargs.setdefault("books_target", 12)
    return ReadingGoal.objects.create(user=user or make_user(), **kwargs)


# --- social ----------------------------------------------------------------------------------


def make_follow(follower: User | None = None, followee: User | None = None) -> Follow:
    return Follow.objects.create(follower=follower or make_user(), followee=followee or make_user())


def make_activity(actor: User | None = None, target=None, **kwargs) -> Activity:
    """An activity about `target` (by default a new book, which is also its `book`)."""
    if target is None:
        target = kwargs.get("book") or make_book()
        kwargs.setdefault("book", target)
    kwargs.setdefault("verb", Verb.SHELVED)
    return Activity.objects.create(
        actor=actor or make_user(),
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        **kwargs,
    )


# --- notifications ---------------------------------------------------------------------------


def make_notification_type(key: str | None = None, **kwargs) -> NotificationType:
    key = key or f"type_{next_number()}"
    kwargs.setdefault("name", key.replace("_", " ").capitalize())
    return NotificationType.objects.create(key=key, **kwargs)


def make_notification(recipient: User | None = None, target=None, **kwargs) -> Notification:
    if "type" not in kwargs:
        kwargs["type"] = make_notification_type()
    if target is not None:
        kwargs["target_type"] = ContentType.objects.get_for_model(target)
        kwargs["target_id"] = target.pk
    return Notification.objects.create(recipient=recipient or make_user(), **kwargs)


def make_notification_preference(user: User | None = None, **kwargs) -> NotificationPreference:
    if "type" not in kwargs:
        kwargs["type"] = make_notification_type()
    return NotificationPreference.objects.create(user=user or make_user(), **kwargs)


# --- lending ---------------------------------------------------------------------------------


def make_book_copy(book: Book | None = None, owner: User | None = None, **kwargs) -> BookCopy:
    return BookCopy.objects.create(book=book or make_book(), owner=owner or make_user(), **kwargs)


def make_reservation(user: User | None = None, book: Book | None = None, **kwargs) -> Reservation:
    """A reservation (waiting, unless `status` says otherwise); `book` defaults to the copy's."""
    copy = kwargs.get("copy")
    book = book or (copy.book if copy else make_book())
    return Reservation.objects.create(user=user or make_user(), book=book, **kwargs)


# --- imports ---------------------------------------------------------------------------------


def make_import_job(user: User | None = None, **kwargs) -> ImportJob:
    """A pending import job; its `file` names a file that need not exist."""
    kwargs.setdefault("format", "goodreads")
    kwargs.setdefault("file", f"imports/test/library{next_number()}.csv")
    return ImportJob.objects.create(user=user or make_user(), **kwargs)


def make_import_row_error(job: ImportJob | None = None, **kwargs) -> ImportRowError:
    job = job or make_import_job()
    kwargs.setdefault("row_number", job.row_errors.count() + 1)
    kwargs.setdefault("reason", "No title")
    return ImportRowError.objects.create(job=job, **kwargs)


# --- catalog merges (redirects of merged-away ids) -------------------------------------------


def make_book_redirect(book: Book | None = None, **kwargs):
    """A redirect from an id no book has (as a merge leaves behind) to `book`."""
    from apps.catalog.models import BookRedirect

    kwargs.setdefault("old_id", 10**12 + next_number())
    return BookRedirect.objects.create(book=book or make_book(), **kwargs)


def make_author_redirect(author: Author | None = None, **kwargs):
    from apps.catalog.models import AuthorRedirect

    kwargs.setdefault("old_id", 10**12 + next_number())
    return AuthorRedirect.objects.create(author=author or make_author(), **kwargs)


# --- discovery -------------------------------------------------------------------------------


def make_book_neighbour(book: Book | None = None, neighbour: Book | None = None, **kwargs):
    from apps.discovery.models import BookNeighbour

    kwargs.setdefault("score", 0.5)
    return BookNeighbour.objects.create(
        book=book or make_book(), neighbour=neighbour or make_book(), **kwargs
    )


def make_neighbour_run(**kwargs):
    from apps.discovery.models import NeighbourRun

    kwargs.setdefault("full", True)
    kwargs.setdefault("started_at", timezone.now())
    return NeighbourRun.objects.create(**kwargs)


# --- imports: catalogue books created by imports ----------------------------------------------


def make_imported_book(book: Book | None = None, **kwargs):
    from apps.imports.models import ImportedBook

    kwargs.setdefault("job", make_import_job())
    return ImportedBook.objects.create(book=book or make_book(), **kwargs)


def make_comment(author: User | None = None, review: Review | None = None, **kwargs) -> Comment:
    if review is None and "reading_list" not in kwargs:
        review = make_review()
    kwargs.setdefault("body", f"Comment {next_number()}")
    return Comment.objects.create(author=author or make_user(), review=review, **kwargs)


def make_like(user: User | None = None, review: Review | None = None, **kwargs) -> Like:
    if review is None and not kwargs:
        review = make_review()
    return Like.objects.create(user=user or make_user(), review=review, **kwargs)
