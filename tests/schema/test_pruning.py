"""A connection's page reads the columns its selection needs, and only those (schema/pruning.py).

What a client would notice if this went wrong: a wrong answer, or a query per row (a deferred
column read one row at a time). Every test checks both the answer and the SQL.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from strawberry.relay import to_base64

from apps.accounts.models import Profile
from apps.core.models import Privacy
from apps.reading.models import Review
from schema.pruning import only_selected
from tests.factories import make_book, make_profile, make_review, make_user

REVIEWS = """query Reviews($id: ID!) {
  book(id: $id) {
    reviews(first: 10) {
      edges { cursor node { title ...Reader } }
    }
  }
}
fragment Reader on Review { user { username displayName } }"""


@pytest.fixture
def book(db):
    book = make_book(title="Dune")
    for n in range(6):
        reader = make_user(username=f"reader{n}")
        if n % 3 == 1:
            make_profile(user=reader, display_name=f"Reader {n}", bio=f"Bio of {n}")
        elif n % 3 == 2:
            make_profile(user=reader, display_name="", bio=f"Bio of {n}")
        else:  # no profile at all
            Profile.objects.filter(user=reader).delete()
        make_review(user=reader, book=book, title=f"Review {n}", body="x" * 50)
    return book


def run(gql, query: str, book) -> tuple[dict, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        body = gql(query, {"id": to_base64("Book", book.pk)})
    assert "errors" not in body, body
    return body["data"], [q["sql"] for q in captured.captured_queries]


def review_query(queries: list[str]) -> str:
    (sql,) = [q for q in queries if q.startswith('SELECT "reading_review"."id"')]
    return sql


def test_the_page_reads_only_the_selected_columns_of_reviews_readers_and_profiles(gql, book):
    data, queries = run(gql, REVIEWS, book)
    readers = {e["node"]["title"]: e["node"]["user"] for e in data["book"]["reviews"]["edges"]}
    assert readers["Review 1"] == {"username": "reader1", "displayName": "Reader 1"}
    assert readers["Review 2"] == {"username": "reader2", "displayName": "reader2"}  # empty
    assert readers["Review 3"] == {"username": "reader3", "displayName": "reader3"}  # none
    sql = review_query(queries)
    for column in ('"title"', '"username"', '"display_name"'):
        assert column in sql
    for column in ('"body"', '"spoiler"', '"password"', '"last_login"', '"bio"', '"website"'):
        assert column not in sql, column
    assert len(queries) == 2  # the book, then the page: nothing per row


def test_a_field_that_declares_nothing_leaves_the_page_whole(gql, book):
    # `profile` has no `@reads`: the page must come whole, and the answer be right.
    query = REVIEWS.replace("displayName }", "displayName profile { bio } }")
    data, queries = run(gql, query, book)
    bios = {
        e["node"]["user"]["username"]: (e["node"]["user"]["profile"] or {}).get("bio")
        for e in data["book"]["reviews"]["edges"]
    }
    assert bios["reader1"] == "Bio of 1"
    assert bios["reader3"] is None
    assert '"bio"' in review_query(queries)


def test_more_rows_cost_no_more_queries(gql, book):
    _, few = run(gql, REVIEWS, book)
    for n in range(6, 16):
        make_review(user=make_user(username=f"late{n}"), book=book, title=f"Late {n}")
    data, many = run(gql, REVIEWS, book)
    assert len(data["book"]["reviews"]["edges"]) == 10
    assert len(many) == len(few)


def test_a_reader_read_in_part_is_not_handed_to_the_next_field_that_loads_profiles(gql, book):
    # The same readers, once through the page (display name only) and once through their
    # own profile: the profile must be read whole, not taken from the page.
    query = """query Both($id: ID!) {
      book(id: $id) {
        reviews(first: 10) { edges { node { user { displayName } } } }
        readers: reviews(first: 10) { edges { node { user { username profile { bio } } } } }
      }
    }"""
    data, queries = run(gql, query, book)
    assert len(queries) == 3, queries  # the book and the two pages: no profile read per row
    bios = {
        e["node"]["user"]["username"]: (e["node"]["user"]["profile"] or {}).get("bio")
        for e in data["book"]["readers"]["edges"]
    }
    assert bios["reader1"] == "Bio of 1" and bios["reader2"] == "Bio of 2"


def test_a_cursor_from_a_narrowed_page_pages_on(gql, book):
    first = """query Page($id: ID!, $after: String) {
      book(id: $id) { reviews(first: 4, after: $after) {
        pageInfo { endCursor hasNextPage } edges { node { title } } } }
    }"""
    page = gql(first, {"id": to_base64("Book", book.pk)})["data"]["book"]["reviews"]
    rest = gql(first, {"id": to_base64("Book", book.pk), "after": page["pageInfo"]["endCursor"]})[
        "data"
    ]["book"]["reviews"]
    titles = [e["node"]["title"] for e in page["edges"] + rest["edges"]]
    assert sorted(titles) == [f"Review {n}" for n in range(6)]


def test_a_queryset_narrowed_already_or_not_a_queryset_is_left_alone(db):
    narrowed = Review.objects.only("title")
    assert only_selected(narrowed, info=None) is narrowed
    every_relation = Review.objects.select_related()
    assert only_selected(every_relation, info=None) is every_relation
    rows = [Review(title="x", privacy=Privacy.PUBLIC)]
    assert only_selected(rows, info=None) is rows


def test_readers_not_selected_with_the_row_come_whole_from_their_loader(gql, book):
    # `reviews(bookId:)` does not select the readers with the rows: the page keeps only their
    # key, and the readers (read by a loader, in one query) are whole.
    query = """query Root($id: ID!) {
      reviews(bookId: $id, first: 10) {
        edges { node { title canEdit user { username displayName isViewer } } }
      }
    }"""
    data, queries = run(gql, query, book)
    users = {e["node"]["title"]: e["node"]["user"] for e in data["reviews"]["edges"]}
    assert users["Review 1"]["displayName"] == "Reader 1"
    assert users["Review 3"]["displayName"] == "reader3"
    sql = review_query(queries)
    assert '"body"' not in sql and '"user_id"' in sql  # narrowed, with the readers' key
    (readers,) = [q for q in queries if 'FROM "accounts_user"' in q]  # in one batch
    assert '"accounts_user"."email"' in readers  # whole: not narrowed to the page's selection
