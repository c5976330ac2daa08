"""Shelf mutations (`setReadingStatus`, `removeFromShelves`, `updateProgress`) and `userBooks`."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.models import Privacy
from apps.reading.models import ReadingStatus, UserBook
from apps.social.models import Activity, Verb
from tests.factories import (
    make_author,
    make_book,
    make_follow,
    make_profile,
    make_superuser,
    make_user,
    make_user_book,
)
from tests.schema.reading.helpers import error_codes, gid, payload, top_level_code

pytestmark = pytest.mark.django_db

SET_STATUS = """
mutation($bookId: ID!, $status: ReadingStatus!, $startedAt: Date, $finishedAt: Date) {
  setReadingStatus(bookId: $bookId, status: $status, startedAt: $startedAt, finishedAt: $finishedAt) {
    userBook { id status startedAt finishedAt readCount progressPages progressPercent
               book { title viewerStatus } user { username } }
    errors { code field message }
  }
}"""
REMOVE = """
mutation($bookId: ID!) {
  removeFromShelves(bookId: $bookId) { deletedId book { title viewerStatus } errors { code field } }
}"""
PROGRESS = """
mutation($bookId: ID!, $pages: Int, $percent: Float) {
  updateProgress(bookId: $bookId, pages: $pages, percent: $percent) {
    userBook { status progressPages progressPercent }
    errors { code field }
  }
}"""
USER_BOOKS = """
query($username: String!, $status: ReadingStatus, $first: Int) {
  userBooks(username: $username, status: $status, first: $first) {
    totalCount
    edges { node { status book { title authors { name } } } }
  }
}"""


def today() -> str:
    return timezone.localdate().isoformat()


def test_set_reading_status_shelves_the_book_for_the_viewer(gql):
    user, book = make_user("ada"), make_book("Dune")
    gql.login(user)
    result = gql(SET_STATUS, {"bookId": gid(book), "status": "READING"})
    entry = payload(result, "setReadingStatus")
    assert entry["errors"] == []
    assert entry["userBook"]["status"] == "READING"
    assert entry["userBook"]["startedAt"] == today()
    assert entry["userBook"]["book"] == {"title": "Dune", "viewerStatus": "READING"}
    assert entry["userBook"]["user"] == {"username": "ada"}
    result = gql(SET_STATUS, {"bookId": gid(book), "status": "READ", "finishedAt": today()})
    entry = payload(result, "setReadingStatus")["userBook"]
    assert (entry["status"], entry["finishedAt"], entry["readCount"]) == ("READ", today(), 1)
    assert list(Activity.objects.values_list("verb", flat=True).order_by("id")) == [
        Verb.STARTED,
        Verb.FINISHED,
    ]


def test_set_reading_status_errors(gql):
    book = make_book()
    gql.login(make_user())
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    cases = [
        ({"bookId": gid("Book", 999999), "status": "READ"}, ("NOT_FOUND", "bookId")),
        ({"bookId": gid("Author", book.pk), "status": "READ"}, ("NOT_FOUND", "bookId")),
        (
            {"bookId": gid(book), "status": "READ", "finishedAt": tomorrow},
            ("INVALID", "finishedAt"),
        ),
        (
            {
                "bookId": gid(book),
                "status": "READ",
                "startedAt": "2024-05-01",
                "finishedAt": "2024-04-01",
            },
            ("INVALID", "finishedAt"),
        ),
        (
            {"bookId": gid(book), "status": "WANT_TO_READ", "startedAt": "2024-01-01"},
            ("INVALID", "startedAt"),
        ),
    ]
    for variables, expected in cases:
        result = gql(SET_STATUS, variables)
        assert error_codes(result, "setReadingStatus") == [expected]
        assert payload(result, "setReadingStatus")["userBook"] is None
    assert not UserBook.objects.exists()
    assert not Activity.objects.exists()


def test_set_reading_status_needs_login(gql):
    result = gql(SET_STATUS, {"bookId": gid(make_book()), "status": "READ"})
    assert top_level_code(result) == "UNAUTHENTICATED"
    assert result["data"] is None
    assert not UserBook.objects.exists()


def test_shelf_mutations_only_ever_touch_the_viewers_own_shelf(gql):
    """There is no way to name another reader's shelf: another user or staff acting on the same
    book changes their own entry, and the owner's stays as it was (staff have no special
    rights over readers' data)."""
    owner, other, staff = make_user(), make_user(), make_superuser()
    book = make_book(pages=100)
    make_user_book(owner, book, status=ReadingStatus.READING, progress_pages=40)
    for intruder in (other, staff):
        gql.login(intruder)
        assert (
            payload(gql(SET_STATUS, {"bookId": gid(book), "status": "READ"}), "setReadingStatus")[
                "errors"
            ]
            == []
        )
        assert (
            payload(gql(PROGRESS, {"bookId": gid(book), "pages": 99}), "updateProgress")["errors"]
            == []
        )
        assert payload(gql(REMOVE, {"bookId": gid(book)}), "removeFromShelves")["errors"] == []
        # Removing again: the intruder's own entry is gone, and the owner's is not theirs.
        assert error_codes(gql(REMOVE, {"bookId": gid(book)}), "removeFromShelves") == [
            ("NOT_FOUND", "bookId")
        ]
    entry = UserBook.objects.get(user=owner)
    assert (entry.status, entry.progress_pages) == (ReadingStatus.READING, 40)


def test_remove_from_shelves(gql):
    user, book = make_user(), make_book("Emma")
    entry = make_user_book(user, book, status=ReadingStatus.READ)
    gql.login(user)
    result = payload(gql(REMOVE, {"bookId": gid(book)}), "removeFromShelves")
    assert result == {
        "deletedId": gid(entry),
        "book": {"title": "Emma", "viewerStatus": None},
        "errors": [],
    }
    assert error_codes(gql(REMOVE, {"bookId": gid(book)}), "removeFromShelves") == [
        ("NOT_FOUND", "bookId")
    ]
    gql.logout()
    assert top_level_code(gql(REMOVE, {"bookId": gid(book)})) == "UNAUTHENTICATED"


def test_update_progress(gql):
    user, book = make_user(), make_book(pages=320)
    gql.login(user)
    result = payload(gql(PROGRESS, {"bookId": gid(book), "pages": 120}), "updateProgress")
    assert result == {
        "userBook": {"status": "READING", "progressPages": 120, "progressPercent": None},
        "errors": [],
    }
    result = payload(gql(PROGRESS, {"bookId": gid(book), "percent": 100}), "updateProgress")
    assert result["userBook"] == {
        "status": "READING",
        "progressPages": None,
        "progressPercent": 100.0,
    }


def test_update_progress_errors(gql):
    book = make_book(pages=320)
    gql.login(make_user())
    cases = [
        ({"bookId": gid(book)}, ("INVALID", None)),
        ({"bookId": gid(book), "pages": 3, "percent": 3.0}, ("INVALID", None)),
        ({"bookId": gid(book), "pages": 321}, ("INVALID", "pages")),
        ({"bookId": gid(book), "percent": 101.0}, ("INVALID", "percent")),
        ({"bookId": gid("Book", 999999), "pages": 1}, ("NOT_FOUND", "bookId")),
    ]
    for variables, expected in cases:
        assert error_codes(gql(PROGRESS, variables), "updateProgress") == [expected]
    assert not UserBook.objects.exists()
    gql.logout()
    assert top_level_code(gql(PROGRESS, {"bookId": gid(book), "pages": 1})) == "UNAUTHENTICATED"


def test_a_failing_mutation_records_no_activity_even_after_partial_work(gql, monkeypatch):
    """The shelf entry and its activity are written in one transaction: when something fails
    after the activity was recorded, neither remains."""
    from apps.reading.services import shelves

    record = shelves.record_activity

    def record_then_fail(*args, **kwargs):
        record(*args, **kwargs)
        raise RuntimeError("the disk caught fire")

    monkeypatch.setattr(shelves, "record_activity", record_then_fail)
    gql.login(make_user())
    result = gql(SET_STATUS, {"bookId": gid(make_book()), "status": "READING"})
    assert result["errors"]  # an unexpected failure is a (masked) top-level error
    assert not UserBook.objects.exists()
    assert not Activity.objects.exists()


# --- userBooks -------------------------------------------------------------------------------


def shelf_of(owner_privacy: str):
    owner = make_user("owner")
    make_profile(owner, privacy=owner_privacy)
    author = make_author("Jane Austen")
    old = make_user_book(owner, make_book("Emma", authors=[author]), status=ReadingStatus.READ)
    make_user_book(owner, make_book("Persuasion", authors=[author]), status=ReadingStatus.READING)
    UserBook.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=1))
    return owner


def titles(result) -> list[str]:
    assert "errors" not in result, result
    return [edge["node"]["book"]["title"] for edge in result["data"]["userBooks"]["edges"]]


def test_user_books_newest_first_and_by_status(gql):
    shelf_of(Privacy.PUBLIC)
    assert titles(gql(USER_BOOKS, {"username": "OWNER"})) == ["Persuasion", "Emma"]
    assert titles(gql(USER_BOOKS, {"username": "owner", "status": "READ"})) == ["Emma"]
    result = gql(USER_BOOKS, {"username": "owner"})
    node = result["data"]["userBooks"]["edges"][0]["node"]
    assert node == {
        "status": "READING",
        "book": {"title": "Persuasion", "authors": [{"name": "Jane Austen"}]},
    }
    assert titles(gql(USER_BOOKS, {"username": "nobody"})) == []


@pytest.mark.parametrize(
    ("privacy", "anonymous", "stranger", "follower", "owner", "staff"),
    [
        (Privacy.PUBLIC, 2, 2, 2, 2, 2),
        (Privacy.FOLLOWERS, 0, 0, 2, 2, 0),
        (Privacy.PRIVATE, 0, 0, 0, 2, 0),
    ],
)
def test_user_books_follow_the_owners_profile_privacy(
    gql, privacy, anonymous, stranger, follower, owner, staff
):
    shelf_owner = shelf_of(privacy)
    a_follower = make_user()
    make_follow(a_follower, shelf_owner)
    expected = {
        None: anonymous,
        make_user(): stranger,
        a_follower: follower,
        shelf_owner: owner,
        make_superuser(): staff,
    }
    for viewer, count in expected.items():
        gql.logout() if viewer is None else gql.login(viewer)
        result = gql(USER_BOOKS, {"username": "owner"})
        assert result["data"]["userBooks"]["totalCount"] == count, (viewer, privacy)
        assert len(titles(result)) == count


def test_a_hidden_shelf_entry_is_absent_from_node_too(gql):
    owner = shelf_of(Privacy.PRIVATE)
    entry = UserBook.objects.filter(user=owner).first()
    query = "query($id: ID!) { node(id: $id) { id } }"
    hidden = gql(query, {"id": gid(entry)})
    missing = gql(query, {"id": gid("UserBook", 999999)})
    # Exactly what a client gets for an id that does not exist: nothing tells them apart.
    assert hidden["data"] == missing["data"] == {"node": None}
    assert "errors" not in hidden and "errors" not in missing
    gql.login(owner)
    assert gql(query, {"id": gid(entry)})["data"]["node"] == {"id": gid(entry)}


def test_private_notes_are_the_owners_alone(gql):
    owner = make_user("owner")
    make_user_book(owner, make_book(), private_notes="secret")
    query = '{ userBooks(username: "owner") { edges { node { privateNotes } } } }'
    gql.login(make_user())
    result = gql(query)
    assert result["errors"][0]["extensions"]["code"] == "NOT_ALLOWED"
    gql.login(owner)
    assert gql(query)["data"]["userBooks"]["edges"][0]["node"]["privateNotes"] == "secret"
