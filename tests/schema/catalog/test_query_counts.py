"""The SQL query count of catalogue screens does not grow with page size (loaders batch)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Avg, Count
from django.test.utils import CaptureQueriesContext

from apps.catalog.models import Book
from apps.reading.models import ReadingStatus
from tests.factories import (
    make_author,
    make_book,
    make_genre,
    make_rating,
    make_series,
    make_user,
    make_user_book,
)
from tests.schema.catalog.support import gid

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12

BOOKS_SCREEN = """
query($first: Int!, $filter: BookFilter, $order: BookOrder) {
  books(first: $first, filter: $filter, order: $order) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id title averageRating canEdit
      authors { id name }
      genres { slug }
      series { name }
      ratingSummary { average count histogram { value count } }
      viewerRating { value }
      viewerStatus
    } }
  }
}
"""

AUTHOR_SCREEN = """
query($id: ID!, $first: Int!) {
  author(id: $id) {
    name
    books(first: $first) {
      totalCount
      edges { node { title authors { name } genres { slug } } }
    }
  }
}
"""


def make_shelf_world(count: int, viewer):
    genres = [make_genre(), make_genre()]
    series = make_series()
    others = [make_user() for _ in range(3)]
    for i in range(count):
        book = make_book(
            f"Book {i:03d}",
            authors=[make_author(), make_author()],
            genres=genres,
            series=series if i % 2 else None,
            series_position=i if i % 2 else None,
        )
        for reader in others:
            make_rating(reader, book, value=Decimal("3.5"))
        if i % 3 == 0:
            make_rating(viewer, book, value=Decimal("5.0"))
        if i % 4 == 0:
            make_user_book(viewer, book, status=ReadingStatus.READING)
        stats = book.ratings.aggregate(average=Avg("value"), count=Count("id"))
        Book.objects.filter(pk=book.pk).update(
            average_rating=round(Decimal(stats["average"]), 2), ratings_count=stats["count"]
        )
    return genres


def count_queries(gql, query: str, variables: dict, expected_rows: int, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        result = gql.once(query, variables)
    assert "errors" not in result, result
    assert len(path(result["data"])["edges"]) == expected_rows
    return len(queries)


def books_edges(data):
    return data["books"]


@pytest.mark.parametrize("filtered", [False, True], ids=["plain", "filtered"])
def test_books_screen_query_count_is_the_same_for_10_and_100_books(gql, filtered):
    viewer = make_user()
    genres = make_shelf_world(100, viewer)
    variables = {}
    if filtered:
        variables = {
            "filter": {"genre": genres[0].slug, "minRating": 3, "language": "", "yearFrom": -9},
            "order": {"field": "AVERAGE_RATING"},
        }
        Book.objects.update(original_publication_year=2000)
    gql.login(viewer)

    few = count_queries(gql, BOOKS_SCREEN, {"first": 10, **variables}, 10, books_edges)
    many = count_queries(gql, BOOKS_SCREEN, {"first": 100, **variables}, 100, books_edges)

    assert few == many
    assert many <= MAX_QUERIES


def test_books_screen_viewer_fields_are_right(gql):
    viewer = make_user()
    make_shelf_world(12, viewer)
    gql.login(viewer)
    result = gql(BOOKS_SCREEN, {"first": 12})
    nodes = [edge["node"] for edge in result["data"]["books"]["edges"]]
    assert [n["viewerRating"] for n in nodes[:4]] == [{"value": 5.0}, None, None, {"value": 5.0}]
    assert [n["viewerStatus"] for n in nodes[:5]] == ["READING", None, None, None, "READING"]
    assert nodes[0]["ratingSummary"]["count"] == 4 and nodes[1]["ratingSummary"]["count"] == 3
    assert len(nodes[0]["authors"]) == 2 and len(nodes[0]["genres"]) == 2


def test_books_screen_query_count_anonymous(gql):
    make_shelf_world(30, make_user())
    few = count_queries(gql, BOOKS_SCREEN, {"first": 3}, 3, books_edges)
    many = count_queries(gql, BOOKS_SCREEN, {"first": 30}, 30, books_edges)
    assert few == many <= MAX_QUERIES


def author_with_books(count: int):
    author = make_author()
    genre = make_genre()
    for i in range(count):
        make_book(f"Book {i}", authors=[author, make_author()], genres=[genre, make_genre()])
    return author


def test_author_screen_query_count_is_the_same_for_5_and_30_books(gql):
    small, large = author_with_books(5), author_with_books(30)
    gql.login(make_user())

    def author_books(data):
        return data["author"]["books"]

    few = count_queries(gql, AUTHOR_SCREEN, {"id": gid(small), "first": 50}, 5, author_books)
    many = count_queries(gql, AUTHOR_SCREEN, {"id": gid(large), "first": 50}, 30, author_books)

    assert few == many
    assert many <= MAX_QUERIES


def test_genres_tree_query_count_does_not_grow_with_genres(gql):
    def genres_queries(count):
        root = make_genre()
        for _ in range(count):
            make_genre(parent=root)
        with CaptureQueriesContext(connection) as queries:
            result = gql("{ genres { slug parent { slug } children { slug } } }")
        assert "errors" not in result
        return len(queries)

    assert genres_queries(3) == genres_queries(30) <= 4
