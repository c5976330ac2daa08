"""Up next: `addToUpNext`, `removeFromUpNext`, `moveInUpNext`, `me { upNext }`, at most 10 books
in dense positions, starting a book takes it off, and concurrent changes keep positions dense."""

import threading

import pytest
from django.db import close_old_connections, connection

from apps.core.models import Privacy
from apps.reading.models import UpNextItem
from apps.reading.services import add_to_up_next, move_in_up_next
from tests.factories import make_book, make_profile, make_user
from tests.schema.reading.helpers import error_codes, gid, payload

pytestmark = pytest.mark.django_db

ADD = """mutation($bookId: ID!) { addToUpNext(bookId: $bookId) {
  upNext { position book { title } } errors { code field } } }"""
REMOVE = """mutation($bookId: ID!) { removeFromUpNext(bookId: $bookId) {
  upNext { position book { title } } errors { code field } } }"""
MOVE = """mutation($bookId: ID!, $position: Int!) { moveInUpNext(bookId: $bookId, position: $position) {
  upNext { position book { title } } errors { code field } } }"""
ME = "{ me { upNext { position book { title } } } }"
USER = """query($u: String!) { user(username: $u) { upNext { position book { title } } } }"""
START = """mutation($bookId: ID!) { setReadingStatus(bookId: $bookId, status: READING) {
  errors { code } } }"""


def titles(queue) -> list[tuple[int, str]]:
    return [(item["position"], item["book"]["title"]) for item in queue]


def test_the_queue_is_ordered_dense_and_editable(gql):
    gql.login(make_user("ada"))
    books = {name: make_book(name) for name in "ABCD"}
    for book in books.values():
        assert payload(gql(ADD, {"bookId": gid(book)}), "addToUpNext")["errors"] == []
    moved = payload(gql(MOVE, {"bookId": gid(books["D"]), "position": 0}), "moveInUpNext")
    assert titles(moved["upNext"]) == [(0, "D"), (1, "A"), (2, "B"), (3, "C")]
    removed = payload(gql(REMOVE, {"bookId": gid(books["A"])}), "removeFromUpNext")
    assert titles(removed["upNext"]) == [(0, "D"), (1, "B"), (2, "C")]
    assert titles(gql(ME)["data"]["me"]["upNext"]) == [(0, "D"), (1, "B"), (2, "C")]


def test_queue_errors(gql):
    gql.login(make_user())
    books = [make_book() for _ in range(11)]
    for book in books[:10]:
        gql(ADD, {"bookId": gid(book)})
    assert error_codes(gql(ADD, {"bookId": gid(books[10])}), "addToUpNext") == [
        ("INVALID", "bookId")
    ]
    assert error_codes(gql(ADD, {"bookId": gid(books[0])}), "addToUpNext") == [
        ("CONFLICT", "bookId")
    ]
    assert error_codes(gql(MOVE, {"bookId": gid(books[0]), "position": 10}), "moveInUpNext") == [
        ("INVALID", "position")
    ]
    assert error_codes(gql(REMOVE, {"bookId": gid(books[10])}), "removeFromUpNext") == [
        ("NOT_FOUND", "bookId")
    ]
    assert UpNextItem.objects.count() == 10


def test_starting_a_book_takes_it_off_the_queue(gql):
    gql.login(make_user())
    first, second = make_book("First"), make_book("Second")
    gql(ADD, {"bookId": gid(first)})
    gql(ADD, {"bookId": gid(second)})
    gql(START, {"bookId": gid(first)})
    assert titles(gql(ME)["data"]["me"]["upNext"]) == [(0, "Second")]
    assert error_codes(gql(ADD, {"bookId": gid(first)}), "addToUpNext") == [("INVALID", "bookId")]


def test_the_queue_follows_profile_privacy(gql):
    ada = make_user("ada")
    gql.login(ada)
    gql(ADD, {"bookId": gid(make_book("Next"))})
    gql.login(make_user())
    assert titles(gql(USER, {"u": "ada"})["data"]["user"]["upNext"]) == [(0, "Next")]
    make_profile(ada, privacy=Privacy.PRIVATE)
    assert gql(USER, {"u": "ada"})["data"]["user"]["upNext"] == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises all writers on one database lock: nothing to race",
)
def test_concurrent_changes_keep_positions_dense():
    """8 requests of one reader add and move books at the same moment."""
    reader = make_user()
    books = [make_book() for _ in range(8)]
    barrier = threading.Barrier(len(books))
    failures: list[BaseException] = []

    def change(book):
        try:
            barrier.wait(timeout=10)
            add_to_up_next(reader, book.pk)
            move_in_up_next(reader, book.pk, 0)
        except BaseException as exc:
            failures.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=change, args=(book,)) for book in books]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    positions = sorted(UpNextItem.objects.filter(user=reader).values_list("position", flat=True))
    assert positions == list(range(8))
