"""`manage.py seed_demo` builds a lively, consistent demo world, the same one every time."""

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import F
from strawberry.relay import to_base64

from apps.accounts.models import Profile, User
from apps.catalog.isbn import is_valid_isbn10, is_valid_isbn13, isbn10_to_isbn13
from apps.catalog.models import Book, Edition, Genre
from apps.conversation.models import Comment, Like
from apps.core.models import Privacy
from apps.demo.catalogue import read_rows
from apps.impressions.models import BookTraitVote, Quote
from apps.lending.models import Reservation, ReservationStatus
from apps.notifications import types
from apps.notifications.models import Notification, NotificationType
from apps.reading.models import (
    RATING_VALUES,
    JournalEntry,
    Rating,
    ReadingGoal,
    ReadingList,
    ReadingStatus,
    Review,
    UpNextItem,
    UserBook,
)
from apps.social.models import Activity, Follow

READ_OR_ABANDONED = {ReadingStatus.READ, ReadingStatus.DID_NOT_FINISH}


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def world_state() -> dict:
    """What a visitor could compare between two builds: everything but ids and lending times."""
    return {
        "counts": {
            model.__name__: model.objects.count()
            for model in (
                *(Book, User, UserBook, Rating, Review, ReadingList, Follow, Activity),
                *(Comment, Like, JournalEntry, Quote, BookTraitVote, UpNextItem),
            )
        },
        "comments": set(
            Comment.objects.values_list("author__username", "review__book__goodreads_id", "body")
        ),
        "ratings": set(Rating.objects.values_list("user__username", "book__goodreads_id", "value")),
        "shelves": set(
            UserBook.objects.values_list(
                "user__username", "book__goodreads_id", "status", "started_at", "finished_at"
            )
        ),
        "reviews": set(
            Review.objects.values_list("user__username", "book__goodreads_id", "body", "privacy")
        ),
        "follows": set(Follow.objects.values_list("follower__username", "followee__username")),
    }


# --- the fixture ------------------------------------------------------------------------------


def test_fixture_books_have_valid_isbns_and_known_genres():
    genres = {row["slug"] for row in read_rows("genres.csv")}
    rows = read_rows("books.csv")
    assert len(rows) >= 250
    for row in rows:
        assert row["authors"], row
        assert 1 <= len(row["genres"].split("|")) <= 3, row
        assert set(row["genres"].split("|")) <= genres, row
        if row["isbn10"]:
            assert is_valid_isbn10(row["isbn10"]), row
            assert row["isbn13"] == isbn10_to_isbn13(row["isbn10"])
            assert is_valid_isbn13(row["isbn13"])
    assert len({row["goodreads_id"] for row in rows}) == len(rows)


# --- one build --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_seed_demo_builds_a_lively_world():
    output = seed("--if-empty")  # an empty database is seeded even with --if-empty

    assert "demo / booknest-demo" in output
    books = Book.objects.all()
    assert books.count() >= 250
    assert not books.filter(contributions__isnull=True).exists()  # every book has an author
    assert not books.filter(genres__isnull=True).exists()
    assert Genre.objects.filter(parent__isnull=False).exists()
    assert books.filter(series__isnull=False, series_position__isnull=False).exists()

    assert User.objects.count() == 13
    assert Profile.objects.count() == 13
    demo = authenticate(username="demo", password="booknest-demo")
    assert demo is not None
    assert demo.is_staff and demo.is_superuser
    assert demo.email == "demo@booknest.example"
    privacies = Counter(Profile.objects.values_list("privacy", flat=True))
    assert privacies[Privacy.FOLLOWERS] == 1 and privacies[Privacy.PRIVATE] == 1

    for user in User.objects.all():
        statuses = set(user.user_books.values_list("status", flat=True))
        assert statuses == set(ReadingStatus.values), user
        assert user.ratings.exists(), user
        assert ReadingGoal.objects.filter(user=user).exists(), user
        assert user.reading_lists.filter(items__isnull=False).exists(), user
        assert user.profile.interests.exists(), user
    assert ReadingList.objects.filter(privacy=Privacy.PRIVATE).exists()


@pytest.mark.django_db
def test_seed_demo_ratings_follow_the_rules():
    seed()

    assert Rating.objects.exists()
    assert set(Rating.objects.values_list("value", flat=True)) <= set(RATING_VALUES)
    # Ratings only for books their reader read or gave up on.
    shelf = dict(
        ((user, book), status)
        for user, book, status in UserBook.objects.values_list("user", "book", "status")
    )
    for user, book in Rating.objects.values_list("user", "book"):
        assert shelf.get((user, book)) in READ_OR_ABANDONED
    # Denormalised averages and counts match the Rating rows exactly, for every book.
    values: dict[int, list[Decimal]] = {}
    for book, value in Rating.objects.values_list("book", "value"):
        values.setdefault(book, []).append(value)
    for book in Book.objects.all():
        rated = values.get(book.pk, [])
        expected = (
            (sum(rated) / len(rated)).quantize(Decimal("0.01"), ROUND_HALF_UP) if rated else 0
        )
        assert (book.ratings_count, book.average_rating) == (len(rated), expected), book


@pytest.mark.django_db
def test_seed_demo_social_graph_lending_and_inbox():
    seed()

    follows = list(Follow.objects.values_list("follower__username", "followee__username"))
    assert all(a != b for a, b in follows)
    # Connected: from the demo account, following links either way reach everyone.
    neighbours: dict[str, set[str]] = {}
    for a, b in follows:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    reached, frontier = {"demo"}, ["demo"]
    while frontier:
        for other in neighbours[frontier.pop()] - reached:
            reached.add(other)
            frontier.append(other)
    assert reached == set(User.objects.values_list("username", flat=True))

    statuses = set(Reservation.objects.values_list("status", flat=True))
    assert {
        ReservationStatus.WAITING,
        ReservationStatus.READY,
        ReservationStatus.ON_LOAN,
    } <= statuses
    for reservation in Reservation.objects.filter(status=ReservationStatus.READY):
        assert reservation.copy is not None and reservation.pickup_deadline is not None

    verbs = set(Activity.objects.values_list("verb", flat=True))
    assert verbs == {
        "shelved",
        "started",
        "finished",
        "rated",
        "reviewed",
        "listed",
        "followed",
        "noted",
    }
    for activity in Activity.objects.filter(verb__in=["reviewed", "listed", "followed"])[:50]:
        assert activity.target is not None
    # A private review never leaves a public trace in the feed.
    for review in Review.objects.filter(privacy=Privacy.PRIVATE):
        trace = Activity.objects.get(verb="reviewed", target_id=review.pk, actor=review.user)
        assert trace.privacy == Privacy.PRIVATE

    inbox = Notification.objects.filter(recipient__username="demo")
    assert inbox.filter(type__key=types.NEW_FOLLOWER).exists()
    assert inbox.filter(type__key=types.RESERVATION_READY, read_at__isnull=True).exists()
    assert Notification.objects.filter(read_at__isnull=False).exists()


# --- rebuilding -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_seed_demo_shows_reading_life(gql):
    """Journals with notes in feeds, quotes, how books felt, up next queues, minutes goals."""
    from apps.impressions.models import BookTraitMood, BookTraitWarning

    seed()
    assert JournalEntry.objects.exclude(note="").exists()
    assert JournalEntry.objects.filter(note="", page__isnull=False).exists()  # progress alone
    assert Activity.objects.filter(verb="noted").exists()
    assert Quote.objects.filter(privacy=Privacy.PUBLIC).exists()
    assert Quote.objects.filter(privacy=Privacy.PRIVATE).exists()
    assert BookTraitVote.objects.count() > 50 and BookTraitMood.objects.exists()
    assert BookTraitWarning.objects.exists()
    assert UpNextItem.objects.exists()
    for user in User.objects.filter(up_next__isnull=False).distinct():
        positions = list(user.up_next.order_by("position").values_list("position", flat=True))
        assert positions == list(range(len(positions)))
    assert ReadingGoal.objects.filter(minutes_target__isnull=False).exists()
    demo = User.objects.get(username="demo")
    gql.login(demo)
    book = BookTraitVote.objects.values_list("book_id", flat=True).first()
    result = gql(
        """query($id: ID!) { book(id: $id) { traits { voters moods { mood share } } } }""",
        {"id": to_base64("Book", book)},
    )
    assert result["data"]["book"]["traits"]["voters"] >= 1


@pytest.mark.django_db
def test_seed_demo_twice_gives_the_same_world():
    seed()
    first = world_state()
    seed()
    second = world_state()

    assert second["counts"] == first["counts"]
    assert second["ratings"] == first["ratings"]
    assert second == first


@pytest.mark.django_db
def test_seed_demo_if_empty_leaves_a_database_with_books_alone():
    Book.objects.create(title="Someone's own book")

    output = seed("--if-empty")

    assert "nothing to do" in output
    assert Book.objects.count() == 1
    assert not User.objects.exists()


# --- reference data ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_notification_types_exist_after_migrate():
    rows = {
        t.key: (t.name, t.default_in_app, t.default_email) for t in NotificationType.objects.all()
    }
    assert rows == {d.key: (d.name, d.default_in_app, d.default_email) for d in types.DEFAULTS}
    assert rows[types.NEW_FOLLOWER][1:] == (True, False)
    assert rows[types.RESERVATION_READY][1:] == (True, True)


@pytest.mark.django_db
def test_seeded_world_is_searchable_and_has_recommendations(gql):
    call_command("seed_demo", verbosity=0)
    hits = gql(
        '{ search(query: "hunger gmes", types: [BOOK], first: 3) '
        "{ edges { node { ... on Book { title } } } } }"
    )["data"]["search"]["edges"]
    assert "The Hunger Games" in [hit["node"]["title"] for hit in hits]

    gql.login(User.objects.get(username="ada"))
    recommended = gql("{ recommendedBooks(first: 5) { reason } }")["data"]["recommendedBooks"]
    assert recommended
    assert any(item["reason"].startswith("Because you liked") for item in recommended)


@pytest.mark.django_db
def test_seed_demo_has_works_with_several_editions_and_readers_naming_theirs():
    seed()
    hunger = Book.objects.get(goodreads_id="2767052")
    formats = sorted(hunger.editions.values_list("format", "language", "is_default"))
    assert formats == [
        ("", "en", True),
        ("audiobook", "en", False),
        ("ebook", "en", False),
        ("paperback", "es", False),
    ]
    assert all(
        is_valid_isbn13(isbn) for isbn in Edition.objects.values_list("isbn13", flat=True) if isbn
    )
    # Every book has exactly one default edition, with the book's own ISBN.
    assert Edition.objects.filter(is_default=True).count() == Book.objects.count()
    assert not Book.objects.exclude(
        editions__is_default=True, editions__isbn13=F("isbn13")
    ).exists()
    named = UserBook.objects.filter(edition__isnull=False)
    assert named.exists()
    assert not named.exclude(edition__book=F("book")).exists()
    before = set(named.values_list("user__username", "edition__isbn13"))
    seed()
    assert (
        set(
            UserBook.objects.filter(edition__isnull=False).values_list(
                "user__username", "edition__isbn13"
            )
        )
        == before
    )
    assert Edition.objects.filter(book=hunger).count() == 4


@pytest.mark.django_db
def test_seed_demo_readers_talk_about_public_reviews():
    seed()
    comments = Comment.objects.select_related("review")
    assert comments.filter(reply_to__isnull=True).count() >= 5
    assert all(c.review.privacy == "public" for c in comments)
    replies = comments.filter(reply_to__isnull=False)
    assert replies.count() == comments.filter(reply_to__isnull=True).count()
    assert all(r.author_id == r.review.user_id for r in replies)  # the review's author answers
    assert Like.objects.filter(review__isnull=False).count() >= 5
    assert Like.objects.filter(comment__isnull=False).exists()
