"""Copies: listing a book's copies, offering (`addCopy`) and withdrawing (`withdrawCopy`) them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.catalog.models import BookRedirect
from apps.lending.models import BookCopy, ReservationStatus
from tests.factories import (
    make_book,
    make_book_copy,
    make_reservation,
    make_superuser,
    make_user,
)
from tests.schema.lending.helpers import (
    codes,
    gid,
    make_on_loan,
    make_ready,
    ready_notifications,
    top_level_codes,
)

pytestmark = pytest.mark.django_db

COPIES = """
query ($bookId: ID!, $first: Int) {
  copies(bookId: $bookId, first: $first) {
    totalCount
    edges { node { id condition location isActive isAvailable owner { username } book { title } } }
  }
}
"""

ADD_COPY = """
mutation ($bookId: ID!, $condition: CopyCondition, $location: String, $notes: String) {
  addCopy(bookId: $bookId, condition: $condition, location: $location, notes: $notes) {
    copy { id condition location notes isActive owner { username } book { title } }
    errors { code field message }
  }
}
"""

WITHDRAW_COPY = """
mutation ($copyId: ID!) {
  withdrawCopy(copyId: $copyId) { copy { id isActive } errors { code field message } }
}
"""

MY_COPIES = """
{ myCopies { edges { node { id isActive isAvailable currentReservation { id status } } } } }
"""


# --- copies ----------------------------------------------------------------------------------


def test_copies_lists_active_copies_oldest_first_for_anyone(gql):
    book = make_book("Dune")
    first = make_book_copy(book, make_user("ana"), location="Hall")
    second = make_book_copy(book, make_user("ben"), condition="fair")
    make_book_copy(book, is_active=False)
    make_book_copy()  # another book's copy

    result = gql(COPIES, {"bookId": gid(book)})

    copies = result["data"]["copies"]
    assert copies["totalCount"] == 2
    nodes = [edge["node"] for edge in copies["edges"]]
    assert [node["id"] for node in nodes] == [gid(first), gid(second)]
    assert nodes[0] == {
        "id": gid(first),
        "condition": "GOOD",
        "location": "Hall",
        "isActive": True,
        "isAvailable": True,
        "owner": {"username": "ana"},
        "book": {"title": "Dune"},
    }
    assert nodes[1]["condition"] == "FAIR"


def test_copies_is_available_false_while_held_or_lent(gql):
    book = make_book()
    free, held, lent = (make_book_copy(book) for _ in range(3))
    make_ready(make_user(), held)
    make_on_loan(make_user(), lent)
    make_reservation(
        make_user(), book, copy=free, status=ReservationStatus.CANCELLED, ended_at=held.created_at
    )  # an ended reservation holds nothing

    nodes = [e["node"] for e in gql(COPIES, {"bookId": gid(book)})["data"]["copies"]["edges"]]

    assert {node["id"]: node["isAvailable"] for node in nodes} == {
        gid(free): True,
        gid(held): False,
        gid(lent): False,
    }


def test_copies_of_an_unknown_or_non_book_id_is_empty(gql):
    user = make_user()
    assert gql(COPIES, {"bookId": gid(make_book())})["data"]["copies"]["totalCount"] == 0
    assert gql(COPIES, {"bookId": gid(user)})["data"]["copies"]["totalCount"] == 0


def test_copies_of_a_merged_book_id_are_the_survivors(gql):
    survivor = make_book()
    copy = make_book_copy(survivor)
    merged = make_book()
    BookRedirect.objects.create(old_id=merged.pk, book=survivor)
    old_id = gid(merged)
    merged.delete()  # as a merge does: the old id lives on as a redirect only

    edges = gql(COPIES, {"bookId": old_id})["data"]["copies"]["edges"]

    assert [edge["node"]["id"] for edge in edges] == [gid(copy)]


def _copies_query_count(gql, size: int) -> int:
    book = make_book()
    for number in range(size):
        copy = make_book_copy(book, make_user())
        if number % 2:
            make_ready(make_user(), copy)
    with CaptureQueriesContext(connection) as queries:
        result = gql.once(COPIES, {"bookId": gid(book), "first": 50})
    assert len(result["data"]["copies"]["edges"]) == size
    return len(queries)


def test_copies_query_count_does_not_grow_with_page_size(gql):
    small, large = _copies_query_count(gql, 3), _copies_query_count(gql, 30)
    # The page with its count, then one batch each for owners, books and holders.
    assert small == large <= 6


# --- addCopy ---------------------------------------------------------------------------------


def test_add_copy_offers_a_copy_owned_by_the_viewer(gql):
    book = make_book("Emma")
    gql.login(make_user("ana"))

    payload = gql(
        ADD_COPY,
        {"bookId": gid(book), "condition": "LIKE_NEW", "location": " Hall ", "notes": "Signed"},
    )["data"]["addCopy"]

    assert payload["errors"] == []
    copy = BookCopy.objects.get()
    assert payload["copy"] == {
        "id": gid(copy),
        "condition": "LIKE_NEW",
        "location": "Hall",
        "notes": "Signed",
        "isActive": True,
        "owner": {"username": "ana"},
        "book": {"title": "Emma"},
    }


def test_add_copy_defaults_to_good_condition(gql):
    gql.login(make_user())
    payload = gql(ADD_COPY, {"bookId": gid(make_book())})["data"]["addCopy"]
    assert payload["copy"]["condition"] == "GOOD"
    assert payload["copy"]["location"] == ""


def test_add_copy_by_staff_is_an_ordinary_copy(gql):
    staff = make_superuser("root")
    gql.login(staff)
    payload = gql(ADD_COPY, {"bookId": gid(make_book())})["data"]["addCopy"]
    assert payload["errors"] == []
    assert payload["copy"]["owner"] == {"username": "root"}


def test_add_copy_anonymous_is_unauthenticated(gql):
    result = gql(ADD_COPY, {"bookId": gid(make_book())})
    assert result["data"] is None
    assert top_level_codes(result) == ["UNAUTHENTICATED"]
    assert not BookCopy.objects.exists()


def test_add_copy_unknown_book_is_not_found(gql):
    user = make_user()
    gql.login(user)
    book = make_book()
    missing = gid(book)
    book.delete()
    assert codes(gql(ADD_COPY, {"bookId": missing})["data"]["addCopy"]) == [("NOT_FOUND", "bookId")]
    payload = gql(ADD_COPY, {"bookId": gid(user)})["data"]["addCopy"]
    assert codes(payload) == [("NOT_FOUND", "bookId")]
    assert payload["copy"] is None


@pytest.mark.parametrize(
    ("variables", "field"),
    [({"location": "x" * 201}, "location"), ({"notes": "x" * 5001}, "notes")],
)
def test_add_copy_invalid_text(gql, variables, field):
    gql.login(make_user())
    payload = gql(ADD_COPY, {"bookId": gid(make_book()), **variables})["data"]["addCopy"]
    assert codes(payload) == [("INVALID", field)]
    assert not BookCopy.objects.exists()


def test_add_copy_goes_at_once_to_the_first_waiting_reader_who_is_not_the_owner(gql):
    book = make_book()
    owner, first, second = make_user(), make_user(), make_user()
    own_wait = make_reservation(owner, book)  # the owner waits too: skipped for their own copy
    first_wait = make_reservation(first, book)
    second_wait = make_reservation(second, book)
    gql.login(owner)

    copy_id = gql(ADD_COPY, {"bookId": gid(book)})["data"]["addCopy"]["copy"]["id"]

    first_wait.refresh_from_db()
    assert first_wait.status == ReservationStatus.READY
    assert gid(first_wait.copy) == copy_id
    assert len(ready_notifications(first)) == 1
    own_wait.refresh_from_db()
    second_wait.refresh_from_db()
    assert (own_wait.status, second_wait.status) == ("waiting", "waiting")
    assert ready_notifications(owner) == ready_notifications(second) == []


# --- withdrawCopy ----------------------------------------------------------------------------


def test_withdraw_copy_by_its_owner(gql):
    owner = make_user()
    copy = make_book_copy(owner=owner)
    gql.login(owner)

    payload = gql(WITHDRAW_COPY, {"copyId": gid(copy)})["data"]["withdrawCopy"]

    assert payload == {"copy": {"id": gid(copy), "isActive": False}, "errors": []}
    assert gql(COPIES, {"bookId": gid(copy.book)})["data"]["copies"]["totalCount"] == 0


@pytest.mark.parametrize("who", ["another user", "staff"])
def test_withdraw_copy_of_someone_else_is_not_allowed(gql, who):
    copy = make_book_copy()
    gql.login(make_user() if who == "another user" else make_superuser())
    payload = gql(WITHDRAW_COPY, {"copyId": gid(copy)})["data"]["withdrawCopy"]
    assert codes(payload) == [("NOT_ALLOWED", "copyId")]
    assert payload["copy"] is None
    copy.refresh_from_db()
    assert copy.is_active


def test_withdraw_copy_anonymous_is_unauthenticated(gql):
    copy = make_book_copy()
    assert top_level_codes(gql(WITHDRAW_COPY, {"copyId": gid(copy)})) == ["UNAUTHENTICATED"]


def test_withdraw_copy_unknown_is_not_found(gql):
    user = make_user()
    gql.login(user)
    payload = gql(WITHDRAW_COPY, {"copyId": gid(make_book())})["data"]["withdrawCopy"]
    assert codes(payload) == [("NOT_FOUND", "copyId")]


@pytest.mark.parametrize("state", ["ready", "on loan", "withdrawn"])
def test_withdraw_copy_held_or_withdrawn_is_a_conflict(gql, state):
    owner = make_user()
    copy = make_book_copy(owner=owner, is_active=state != "withdrawn")
    if state == "ready":
        make_ready(make_user(), copy)
    elif state == "on loan":
        make_on_loan(make_user(), copy)
    gql.login(owner)
    payload = gql(WITHDRAW_COPY, {"copyId": gid(copy)})["data"]["withdrawCopy"]
    assert codes(payload) == [("CONFLICT", "copyId")]


# --- myCopies and currentReservation ---------------------------------------------------------


def test_my_copies_shows_withdrawn_copies_and_who_holds_each(gql):
    owner = make_user()
    withdrawn = make_book_copy(owner=owner, is_active=False)
    lent = make_book_copy(owner=owner)
    loan = make_on_loan(make_user(), lent)
    make_book_copy()  # someone else's
    gql.login(owner)

    nodes = [e["node"] for e in gql(MY_COPIES)["data"]["myCopies"]["edges"]]

    assert nodes == [
        {
            "id": gid(lent),
            "isActive": True,
            "isAvailable": False,
            "currentReservation": {"id": gid(loan), "status": "ON_LOAN"},
        },
        {"id": gid(withdrawn), "isActive": False, "isAvailable": False, "currentReservation": None},
    ]


def test_my_copies_requires_login(gql):
    assert top_level_codes(gql(MY_COPIES)) == ["UNAUTHENTICATED"]


def test_current_reservation_is_only_for_the_copy_owner(gql):
    copy = make_book_copy()
    query = """query ($bookId: ID!) { copies(bookId: $bookId) {
        edges { node { currentReservation { id } } } } }"""
    gql.login(make_user())
    assert top_level_codes(gql(query, {"bookId": gid(copy.book)})) == ["NOT_ALLOWED"]
    gql.logout()
    assert top_level_codes(gql(query, {"bookId": gid(copy.book)})) == ["UNAUTHENTICATED"]
    gql.login(copy.owner)
    result = gql(query, {"bookId": gid(copy.book)})
    assert "errors" not in result
    assert result["data"]["copies"]["edges"] == [{"node": {"currentReservation": None}}]
