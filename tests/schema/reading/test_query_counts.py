"""SQL queries per screen do not grow with page size: a book page with its reviews, a reader's
shelves, and a reading list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.models import Privacy
from apps.reading.models import ReadingStatus
from tests.factories import (
    make_author,
    make_book,
    make_follow,
    make_genre,
    make_profile,
    make_rating,
    make_reading_list,
    make_reading_list_item,
    make_review,
    make_user,
    make_user_book,
)
from tests.schema.reading.helpers import gid

pytestmark = pytest.mark.django_db

BOOK_PAGE = """
query($id: ID!, $first: Int!) {
  book(id: $id) {
    title
    authors { name }
    genres { name }
    ratingSummary { average count histogram { value count } }
    reviews(first: $first) {
      totalCount
      edges { node {
        title body canEdit
        user { username displayName profile { bio } isFollowedByViewer }
      } }
    }
  }
}"""
SHELF_PAGE = """
query($username: String!, $first: Int!) {
  userBooks(username: $username, first: $first) {
    totalCount
    edges { node { status startedAt progressPercent book { title authors { name } viewerRating { value } } } }
  }
}"""
LIST_PAGE = """
query($id: ID!, $first: Int!) {
  readingList(id: $id) {
    name itemsCount canEdit owner { username displayName }
    items(first: $first) { edges { node { position note book { title authors { name } } } } }
  }
}"""


def count(gql, query: str, variables: dict, edges_of) -> int:
    with CaptureQueriesContext(connection) as queries:
        result = gql(query, variables)
    assert "errors" not in result, result
    assert len(edges_of(result["data"])) == variables["first"]
    return len(queries)


def book_with_reviews(count: int, viewer):
    authors = [make_author(), make_author()]
    book = make_book(authors=authors, genres=[make_genre(), make_genre()])
    for i in range(count):
        reviewer = make_user()
        privacy = [Privacy.PUBLIC, Privacy.FOLLOWERS, Privacy.PRIVATE][i % 3]
        make_profile(reviewer, bio=f"bio {i}", privacy=privacy)
        if i % 2:
            make_follow(viewer, reviewer)
        make_review(reviewer, book, title=f"T{i}")
        make_rating(reviewer, book)
    make_review(viewer, book)  # the viewer's own review, `canEdit: true`
    return book


def test_book_page_with_5_and_50_reviews_costs_the_same_few_queries(gql):
    viewer = make_user()
    small, large = book_with_reviews(4, viewer), book_with_reviews(49, viewer)
    gql.login(viewer)

    def reviews(data):
        return data["book"]["reviews"]["edges"]

    five = count(gql, BOOK_PAGE, {"id": gid(small), "first": 5}, reviews)
    fifty = count(gql, BOOK_PAGE, {"id": gid(large), "first": 50}, reviews)
    assert five == fifty
    assert fifty <= 12


def test_book_page_hides_profiles_as_their_privacy_says(gql):
    viewer = make_user()
    book = book_with_reviews(6, viewer)
    gql.login(viewer)
    edges = gql(BOOK_PAGE, {"id": gid(book), "first": 10})["data"]["book"]["reviews"]["edges"]
    seen = {
        e["node"]["title"]: (e["node"]["user"]["profile"] is not None, e["node"]["canEdit"])
        for e in edges
    }
    # i % 3: public, followers, private; the viewer follows the odd ones.
    assert seen == {
        "T0": (True, False),
        "T1": (True, False),
        "T2": (False, False),
        "T3": (True, False),
        "T4": (False, False),
        "T5": (False, False),
        "": (True, True),
    }


def shelf_of(size: int):
    owner = make_user()
    for _ in range(size):
        book = make_book(authors=[make_author(), make_author()])
        make_user_book(owner, book, status=ReadingStatus.READING, progress_percent=12)
    return owner


def test_user_books_page_of_10_and_50_costs_the_same(gql):
    small, large = shelf_of(10), shelf_of(50)
    gql.login(make_user())

    def edges(data):
        return data["userBooks"]["edges"]

    ten = count(gql, SHELF_PAGE, {"username": small.username, "first": 10}, edges)
    fifty = count(gql, SHELF_PAGE, {"username": large.username, "first": 50}, edges)
    assert ten == fifty
    assert fifty <= 12


def list_of(size: int):
    reading_list = make_reading_list()
    for position in range(size):
        book = make_book(authors=[make_author()])
        make_reading_list_item(reading_list, book, position=position, note=f"n{position}")
    return reading_list


def test_reading_list_page_of_10_and_50_items_costs_the_same(gql):
    small, large = list_of(10), list_of(50)
    gql.login(make_user())

    def edges(data):
        return data["readingList"]["items"]["edges"]

    ten = count(gql, LIST_PAGE, {"id": gid(small), "first": 10}, edges)
    fifty = count(gql, LIST_PAGE, {"id": gid(large), "first": 50}, edges)
    assert ten == fifty
    assert fifty <= 12
