"""The security suite's seeded library and its HTTP helpers.

`seed` builds a small library with something of every kind: public, followers-only and private
profiles, lists and reviews; shelves, ratings and goals; notifications, reservations and import
jobs; follows. The fuzz test draws global ids from it, and the attack suite aims at the private
parts of it. Every response goes through `post`, over HTTP as a client would send it.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from strawberry.relay import to_base64

from apps.accounts.tokens import create_access_token
from apps.conversation.models import Comment, Like
from apps.core.models import Privacy
from apps.lending.models import ReservationStatus
from apps.reading.models import ReadingStatus
from tests.factories import (
    make_activity,
    make_author,
    make_book,
    make_book_copy,
    make_follow,
    make_genre,
    make_import_job,
    make_import_row_error,
    make_notification,
    make_profile,
    make_rating,
    make_reading_goal,
    make_reading_list,
    make_reading_list_item,
    make_reservation,
    make_review,
    make_series,
    make_superuser,
    make_user,
    make_user_book,
)

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"

# What an error message must never show: it would tell an attacker about the code or the data.
LEAKS = re.compile(
    r"Traceback|SELECT |INSERT |UPDATE .* SET|psycopg|sqlite3|django\.|settings|"
    r"\.py\b|/work/|site-packages|File \"",
)


def gid(obj) -> str:
    """The global id of a model instance (the API names its types after the models)."""
    return to_base64(type(obj).__name__, obj.pk)


@dataclass
class Seed:
    """The seeded library: who is who, and the objects each owns."""

    reader: object  # a plain reader with a public profile: the fuzz test's logged-in viewer
    librarian: object  # staff: may edit the catalogue
    victim: object  # private profile; owns private things of every kind
    guarded: object  # followers-only profile, with followers-only content
    follower: object  # follows `guarded` (so may see their followers-only content)
    stranger: object  # follows nobody: the attacker of the privacy tests
    books: list = field(default_factory=list)
    private: dict = field(default_factory=dict)  # name -> victim's object hidden from others
    followers_only: dict = field(default_factory=dict)  # name -> guarded's followers-only object
    public: list = field(default_factory=list)  # objects anyone may see

    def global_ids(self) -> list[str]:
        """Every seeded object's global id (visible or not to a given viewer)."""
        objects = [
            self.reader,
            self.librarian,
            self.victim,
            self.guarded,
            self.follower,
            self.stranger,
            *self.books,
            *self.private.values(),
            *self.followers_only.values(),
            *self.public,
        ]
        return sorted({gid(obj) for obj in objects})


def build_seed() -> Seed:
    """Create the seeded library (a few dozen rows) and describe it."""
    reader = make_user("fuzzreader", first_name="Fuzz")
    librarian = make_superuser("fuzzlibrarian")
    victim = make_user("victim")
    make_profile(victim, privacy=Privacy.PRIVATE, bio="Private person")
    guarded = make_user("guarded")
    make_profile(guarded, privacy=Privacy.FOLLOWERS)
    follower = make_user("follower")
    stranger = make_user("stranger")
    make_profile(reader, privacy=Privacy.PUBLIC, bio="Reads everything")
    make_follow(follower, guarded)
    make_follow(reader, follower)
    make_follow(guarded, reader)

    genre = make_genre("Fantasy", slug="fantasy")
    series = make_series("Earthsea")
    author = make_author("Ursula K. Le Guin")
    other_author = make_author("Anne Brontë")
    books = [
        make_book(
            "A Wizard of Earthsea",
            authors=[author],
            genres=[genre],
            series=series,
            series_position=Decimal("1"),
            isbn13="9780547773742",
            pages=183,
        ),
        make_book("The Tombs of Atuan", authors=[author], genres=[genre], pages=180),
        make_book("Agnes Grey", authors=[other_author]),
    ]
    wizard, tombs, agnes = books

    public = [
        genre,
        series,
        author,
        other_author,
        make_rating(reader, wizard, value=Decimal("4.5")),
        make_review(reader, wizard, body="Wonderful."),
        make_user_book(reader, tombs, status=ReadingStatus.READING),
        make_reading_list(reader, name="Favourites"),
        make_reading_goal(reader),
        make_book_copy(wizard, owner=reader),
        make_activity(reader, wizard),
    ]
    make_reading_list_item(public[7], wizard)
    public_review = public[5]
    public_comment = Comment.objects.create(author=reader, review=public_review, body="Agreed!")
    public += [public_comment, Like.objects.create(user=reader, comment=public_comment)]

    copy = make_book_copy(tombs, owner=follower)
    job = make_import_job(victim)
    private_list = make_reading_list(victim, name="Secret list", privacy=Privacy.PRIVATE)
    private = {
        "list": private_list,
        "list item": make_reading_list_item(private_list, agnes),
        "shelf": make_user_book(victim, agnes, status=ReadingStatus.READ),
        "rating": make_rating(victim, agnes, value=Decimal("2.0")),
        "review": make_review(victim, agnes, body="Hidden thoughts.", privacy=Privacy.PRIVATE),
        "goal": make_reading_goal(victim, year=2026, books_target=5),
        "notification": make_notification(victim, target=agnes),
        "reservation": make_reservation(
            victim,
            copy=copy,
            book=tombs,
            status=ReservationStatus.READY,
            ready_at=timezone.now(),
            pickup_deadline=timezone.now() + timedelta(days=3),
        ),
        "import job": job,
        "import row error": make_import_row_error(job),
        "activity": make_activity(victim, agnes, privacy=Privacy.PRIVATE),
    }
    # Comments are as private as what they are on; a like is absent when what is liked is, or
    # when the liker's profile is.
    private["comment"] = Comment.objects.create(
        author=victim, review=private["review"], body="Note to self"
    )
    private["reply"] = Comment.objects.create(
        author=victim, review=private["review"], reply_to=private["comment"], body="Again"
    )
    private["comment on list"] = Comment.objects.create(
        author=victim, reading_list=private_list, body="Secret"
    )
    private["like"] = Like.objects.create(user=victim, review=public_review)
    private["like of hidden review"] = Like.objects.create(user=victim, review=private["review"])
    guarded_list = make_reading_list(guarded, name="For friends", privacy=Privacy.FOLLOWERS)
    followers_only = {
        "list": guarded_list,
        "review": make_review(guarded, tombs, body="Only for you.", privacy=Privacy.FOLLOWERS),
        "shelf": make_user_book(guarded, wizard),
        "rating": make_rating(guarded, tombs, value=Decimal("3.0")),
    }
    make_reading_list_item(guarded_list, tombs)
    followers_only["comment"] = Comment.objects.create(
        author=follower, review=followers_only["review"], body="Friends only"
    )
    followers_only["like"] = Like.objects.create(user=follower, reading_list=guarded_list)
    followers_only["comment like"] = Like.objects.create(
        user=follower, comment=followers_only["comment"]
    )
    make_notification(reader, target=wizard)
    return Seed(
        reader=reader,
        librarian=librarian,
        victim=victim,
        guarded=guarded,
        follower=follower,
        stranger=stranger,
        books=books,
        private=private,
        followers_only=followers_only,
        public=public,
    )


@pytest.fixture
def seed(db) -> Seed:
    """The seeded library (rolled back after the test)."""
    return build_seed()


@pytest.fixture
def hardened(settings, tmp_path):
    """Production-like error handling: unexpected errors masked; rate limits out of the way
    (the fuzzer sends hundreds of operations), and files written to a temporary folder."""
    settings.GRAPHQL_MASK_ERRORS = True
    settings.DEBUG = False
    settings.RATE_LIMIT_POINTS = 10**9
    settings.RATE_LIMIT_ANONYMOUS_POINTS = 10**9
    settings.LOGIN_THROTTLE_ACCOUNT_ATTEMPTS = 10**6
    settings.LOGIN_THROTTLE_IP_ATTEMPTS = 10**6
    settings.MEDIA_ROOT = str(tmp_path)
    return settings


def bearer(user) -> dict[str, str]:
    """The Authorization header of a fresh access token for `user`."""
    return {"Authorization": f"Bearer {create_access_token(user)[0]}"}


def post(client, body, *, accept: str = GRAPHQL_RESPONSE_JSON, headers=None, raw: bool = False):
    """POST a GraphQL request (an operation object, a batch list, or raw bytes) to /graphql."""
    data = body if raw else json.dumps(body)
    return client.post(
        "/graphql",
        data,
        content_type="application/json",
        headers={"Accept": accept, **(headers or {})},
    )


def error_codes(body: dict) -> list:
    """The `extensions.code` of each top-level error (None where an error has none)."""
    return [(error.get("extensions") or {}).get("code") for error in body.get("errors") or []]


def leaks(body) -> list[str]:
    """The error messages (and extension texts) that show internals."""
    found = []
    for error in (body.get("errors") or []) if isinstance(body, dict) else []:
        text = json.dumps({"message": error.get("message"), "ext": error.get("extensions")})
        if LEAKS.search(text):
            found.append(text)
    return found
