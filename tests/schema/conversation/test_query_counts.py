"""A book page whose reviews show their likes and first comments costs the same statements
for 5 reviews as for 20: on the resolver path (loaders, and one windowed statement per nested
connection field), and one statement on the compiled path."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from apps.conversation.models import Comment, Like
from tests.factories import make_book, make_review, make_user
from tests.schema.reading.helpers import gid

pytestmark = pytest.mark.django_db

PAGE = """query($id: ID!, $first: Int!) { book(id: $id) { title reviews(first: $first) {
  edges { node { title likeCount viewerHasLiked commentCount
    likes(first: 2) { totalCount edges { node { user { username } } } }
    comments(first: 3) { totalCount pageInfo { hasNextPage }
      edges { node { body author { username displayName } likeCount viewerHasLiked
        replies(first: 2) { totalCount edges { node { body author { username } } } } } } }
  } } } } }"""


def book_with_talk(size: int, viewer):
    book = make_book()
    talkers = [make_user() for _ in range(4)]
    for i in range(size):
        review = make_review(make_user(), book, title=f"R{i}")
        for n, talker in enumerate(talkers[: i % 5]):
            top = Comment.objects.create(author=talker, review=review, body=f"c{i}.{n}")
            Comment.objects.create(author=review.user, review=review, reply_to=top, body="re")
            Like.objects.create(user=talker, review=review)
            Like.objects.create(user=viewer, comment=top)
        if i % 2:
            Like.objects.create(user=viewer, review=review)
    return book


def statements(gql, book, first: int, *, compiled: bool) -> tuple[int, dict]:
    with (
        override_settings(GRAPHQL_COMPILED_READS=compiled),
        CaptureQueriesContext(connection) as queries,
    ):
        # Not `gql(...)`: with BOOKNEST_DIFFERENTIAL=1 it would send the query twice.
        result = gql._post(PAGE, {"id": gid(book), "first": first}, {}).json()
    assert "errors" not in result, result
    assert len(result["data"]["book"]["reviews"]["edges"]) == first
    return len(queries), result["data"]


def test_the_resolver_path_costs_the_same_for_5_and_20_reviews(gql):
    viewer = make_user()
    small, large = book_with_talk(5, viewer), book_with_talk(20, viewer)
    gql.login(viewer)
    five, _ = statements(gql, small, 5, compiled=False)
    twenty, data = statements(gql, large, 20, compiled=False)
    assert five == twenty
    assert twenty <= 16
    reviews = {e["node"]["title"]: e["node"] for e in data["book"]["reviews"]["edges"]}
    r4 = reviews["R4"]  # four talkers: four comments, four replies, four likes
    assert r4["likeCount"] == 4 and r4["commentCount"] == 8 and r4["viewerHasLiked"] is False
    assert r4["comments"]["totalCount"] == 4 and r4["comments"]["pageInfo"]["hasNextPage"]
    assert len(r4["comments"]["edges"]) == 3
    assert r4["likes"]["totalCount"] == 4 and len(r4["likes"]["edges"]) == 2
    first = r4["comments"]["edges"][0]["node"]
    assert first["viewerHasLiked"] is True and first["likeCount"] == 1
    assert first["replies"]["totalCount"] == 1
    assert reviews["R5"]["commentCount"] == 0 and reviews["R5"]["viewerHasLiked"] is True
    assert reviews["R5"]["comments"] == {
        "totalCount": 0,
        "pageInfo": {"hasNextPage": False},
        "edges": [],
    }


def test_the_compiled_path_answers_the_page_in_one_statement_with_the_same_data(gql):
    if connection.vendor != "postgresql":
        pytest.skip("compiled reads run on PostgreSQL")
    viewer = make_user()
    book = book_with_talk(20, viewer)
    gql.login(viewer)
    statements(gql, book, 20, compiled=True)  # plan it
    with CaptureQueriesContext(connection) as trivial:
        gql._post("query { me { username } }", {}, {})
    count, compiled = statements(gql, book, 20, compiled=True)
    _, resolved = statements(gql, book, 20, compiled=False)
    assert compiled == resolved
    assert count == len(trivial)  # the viewer's lookup, then the one statement


@pytest.mark.parametrize("first", [None, 2, -1])
def test_a_negative_page_size_is_invalid_even_with_both_first_and_last(gql, first):
    book_with_talk(1, make_user())
    args = "last: -3" if first is None else f"first: {first}, last: -3"
    result = gql(f"{{ books({args}) {{ totalCount }} }}")
    assert result["data"] is None
    assert [e["extensions"]["code"] for e in result["errors"]] == ["INVALID"]
    assert "non-negative" in result["errors"][0]["message"]
