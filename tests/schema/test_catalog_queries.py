"""The stack end to end: `node`, `book` (by id or ISBN) and the `books` connection."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from strawberry.relay import to_base64

from apps.catalog.models import Author, Book, BookAuthor, Genre

pytestmark = pytest.mark.django_db

BOOKS_PAGE = """
query Books($first: Int!, $after: String) {
  books(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id title isbn13 authors { name } genres { slug } series { name } } }
  }
}
"""


def make_books(count: int) -> list[Book]:
    fantasy, _ = Genre.objects.get_or_create(name="Fantasy", slug="fantasy")
    classic, _ = Genre.objects.get_or_create(name="Classics", slug="classics")
    books = []
    for i in range(count):
        book = Book.objects.create(title=f"Book {i:03d}")
        book.genres.set([fantasy, classic])
        for position in range(2):
            author = Author.objects.create(name=f"Writer {i}-{position}")
            BookAuthor.objects.create(book=book, author=author, position=position)
        books.append(book)
    return books


def test_book_by_global_id_and_by_isbn_in_any_spelling(gql):
    book = Book.objects.create(
        title="The Hunger Games", isbn10="0439023483", isbn13="9780439023481"
    )
    global_id = to_base64("Book", book.pk)
    query = "query($id: ID, $isbn: String) { book(id: $id, isbn: $isbn) { id title } }"

    assert gql(query, {"id": global_id})["data"]["book"] == {"id": global_id, "title": book.title}
    for spelling in ["978-0-439-02348-1", "0439023483", "0-439-02348-3"]:
        assert gql(query, {"isbn": spelling})["data"]["book"]["title"] == "The Hunger Games"
    assert gql(query, {"isbn": "9780439023480"})["data"]["book"] is None  # bad check digit
    assert gql(query, {"id": to_base64("Book", 999999)})["data"]["book"] is None


def test_node_and_nodes_resolve_global_ids(gql):
    book = Book.objects.create(title="Dune")
    genre = Genre.objects.create(name="Science fiction", slug="science-fiction")
    ids = [to_base64("Book", book.pk), to_base64("Genre", genre.pk)]
    result = gql(
        """query($id: ID!, $ids: [ID!]!) {
          node(id: $id) { id ... on Book { title } }
          nodes(ids: $ids) { __typename id }
        }""",
        {"id": ids[0], "ids": ids},
    )
    assert result["data"]["node"] == {"id": ids[0], "title": "Dune"}
    assert [n["__typename"] for n in result["data"]["nodes"]] == ["Book", "Genre"]


def test_books_pages_are_stable_and_complete(gql):
    make_books(7)
    seen, after = [], None
    while True:
        page = gql(BOOKS_PAGE, {"first": 3, "after": after})["data"]["books"]
        assert page["totalCount"] == 7
        seen += [edge["node"]["title"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [f"Book {i:03d}" for i in range(7)]


def test_books_page_authors_and_genres_in_byline_order(gql):
    make_books(1)
    node = gql(BOOKS_PAGE, {"first": 1})["data"]["books"]["edges"][0]["node"]
    assert [a["name"] for a in node["authors"]] == ["Writer 0-0", "Writer 0-1"]
    assert [g["slug"] for g in node["genres"]] == ["classics", "fantasy"]
    assert node["series"] is None


def count_queries(gql, first: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        result = gql(BOOKS_PAGE, {"first": first})
    assert "errors" not in result, result
    assert len(result["data"]["books"]["edges"]) == first
    return len(queries)


def test_books_query_count_does_not_grow_with_page_size(gql):
    make_books(50)
    assert count_queries(gql, 5) == count_queries(gql, 50)
