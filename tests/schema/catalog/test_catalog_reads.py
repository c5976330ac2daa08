"""`author`, `authors(search)`, `genres` (a tree), `genre(slug)`, `series(id)` and `book`."""

import pytest

from apps.catalog.models import Author
from tests.factories import make_author, make_book, make_genre, make_series
from tests.helpers import without_cost
from tests.schema.catalog.support import gid, walk

pytestmark = pytest.mark.django_db

AUTHORS = """
query($search: String, $first: Int, $after: String) {
  authors(search: $search, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id name sortName } }
  }
}
"""


def test_author_by_id_with_books_oldest_first_unknown_years_last(gql):
    author = make_author("Jane Austen", birth_year=1775, death_year=1817)
    make_book("Emma", authors=[author], original_publication_year=1815)
    make_book("Sanditon", authors=[author])
    make_book("Pride and Prejudice", authors=[author], original_publication_year=1813)
    make_book("Not hers", authors=[make_author()], original_publication_year=1800)

    result = gql(
        """query($id: ID!) { author(id: $id) {
             id name sortName birthYear deathYear
             books(first: 2) { totalCount edges { node { title } } }
           } }""",
        {"id": gid(author)},
    )

    data = result["data"]["author"]
    assert (data["name"], data["sortName"], data["birthYear"]) == (
        "Jane Austen",
        "Austen, Jane",
        1775,
    )
    assert data["books"]["totalCount"] == 3
    assert [e["node"]["title"] for e in data["books"]["edges"]] == ["Pride and Prejudice", "Emma"]
    query = "query($id: ID!) { author(id: $id) { id } }"
    assert gql(query, {"id": gid(10**9, "Author")})["data"]["author"] is None
    assert gql(query, {"id": gid(author.pk, "Book")})["data"]["author"] is None


def test_author_books_pages_cover_every_book_once(gql):
    author = make_author()
    for i in range(7):
        make_book(f"B{i}", authors=[author], original_publication_year=[1900, None, 1950][i % 3])
    query = """query($id: ID!, $first: Int, $after: String) { author(id: $id) {
      books(first: $first, after: $after) { pageInfo { hasNextPage endCursor }
        edges { node { title originalPublicationYear } } } } }"""
    nodes, after = [], None
    while True:
        page = gql(query, {"id": gid(author), "first": 2, "after": after})["data"]["author"][
            "books"
        ]
        nodes += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(n["title"] for n in nodes) == [f"B{i}" for i in range(7)]
    years = [n["originalPublicationYear"] for n in nodes]
    assert years == [1900] * 3 + [1950] * 2 + [None] * 2


def test_authors_by_sort_name_with_search(gql):
    for name in ["Charlotte Brontë", "Emily Brontë", "Ursula K. Le Guin", "Isaac Asimov"]:
        make_author(name)
    make_author("anne bronte")

    def names(search=None):
        nodes = walk(gql, AUTHORS, {"search": search}, "authors", page_size=2)
        return [n["name"] for n in nodes]

    assert names() == [
        "Isaac Asimov",
        "anne bronte",
        "Charlotte Brontë",
        "Emily Brontë",
        "Ursula K. Le Guin",
    ]
    assert names("bronte") == ["anne bronte", "Charlotte Brontë", "Emily Brontë"]
    assert names("BRONTË") == ["anne bronte", "Charlotte Brontë", "Emily Brontë"]
    assert names("le guin") == ["Ursula K. Le Guin"]
    assert names("asi") == ["Isaac Asimov"]
    assert names("nobody") == []
    assert names("") == names()


def test_authors_search_refuses_nul(gql):
    result = gql(AUTHORS, {"search": "a\x00", "first": 2})
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_authors_same_sort_name_are_ordered_by_id(gql):
    ids = [gid(make_author("John Smith")) for _ in range(5)]
    nodes = walk(gql, AUTHORS, {"search": "smith"}, "authors", page_size=2)
    assert [n["id"] for n in nodes] == ids
    assert Author.objects.count() == 5


def test_genres_as_a_tree(gql):
    fiction = make_genre("Fiction", slug="fiction")
    fantasy = make_genre("Fantasy", slug="fantasy", parent=fiction)
    make_genre("Epic fantasy", slug="epic-fantasy", parent=fantasy)
    make_genre("Science fiction", slug="science-fiction", parent=fiction)
    make_genre("Biography", slug="biography")

    result = gql("{ genres { slug parent { slug } children { slug } } }")

    assert result["data"]["genres"] == [
        {"slug": "biography", "parent": None, "children": []},
        {"slug": "epic-fantasy", "parent": {"slug": "fantasy"}, "children": []},
        {"slug": "fantasy", "parent": {"slug": "fiction"}, "children": [{"slug": "epic-fantasy"}]},
        {
            "slug": "fiction",
            "parent": None,
            "children": [{"slug": "fantasy"}, {"slug": "science-fiction"}],
        },
        {"slug": "science-fiction", "parent": {"slug": "fiction"}, "children": []},
    ]


def test_genre_by_slug_with_books_of_its_subgenres(gql):
    fantasy = make_genre("Fantasy", slug="fantasy")
    epic = make_genre("Epic fantasy", slug="epic-fantasy", parent=fantasy)
    make_book("Earthsea", genres=[fantasy], ratings_count=5)
    make_book("Silmarillion", genres=[epic], ratings_count=9)
    make_book("Elsewhere", genres=[make_genre()])

    query = """query($slug: String!) { genre(slug: $slug) {
        name books(first: 10) { totalCount edges { node { title } } } } }"""
    data = gql(query, {"slug": "fantasy"})["data"]["genre"]
    assert data["name"] == "Fantasy"
    assert [e["node"]["title"] for e in data["books"]["edges"]] == ["Silmarillion", "Earthsea"]
    assert gql(query, {"slug": "nope"})["data"]["genre"] is None


def test_series_by_id_with_books_in_reading_order(gql):
    series = make_series("The Hunger Games")
    make_book("Mockingjay", series=series, series_position=3)
    make_book("The Hunger Games", series=series, series_position=1)
    make_book("Companion", series=series)
    make_book("Catching Fire", series=series, series_position=2)

    query = "query($id: ID!) { series(id: $id) { name books { title seriesPosition } } }"
    data = gql(query, {"id": gid(series)})["data"]["series"]
    assert data["name"] == "The Hunger Games"
    assert [b["title"] for b in data["books"]] == [
        "The Hunger Games",
        "Catching Fire",
        "Mockingjay",
        "Companion",
    ]
    assert gql(query, {"id": gid(10**9, "Series")})["data"]["series"] is None
    assert gql(query, {"id": gid(series.pk, "Book")})["data"]["series"] is None


def test_book_by_id_and_isbn_together_is_invalid(gql):
    book = make_book("Dune", isbn10="0441172717", isbn13="9780441172719")
    result = gql(
        "query($id: ID, $isbn: String) { book(id: $id, isbn: $isbn) { id } }",
        {"id": gid(book), "isbn": "0441172717"},
    )
    assert result["errors"][0]["extensions"]["code"] == "INVALID"


def test_node_of_a_missing_book_is_null(gql):
    result = gql(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        {"ids": [gid(10**9, "Book"), gid(10**9, "Author")]},
    )
    # Relay's `nodes(ids:): [Node]!`: null in place of each id with no object, never an error
    # (so a hidden object and a missing one look the same) and never a wrong object.
    assert result == {"data": {"nodes": [None, None]}} | {"extensions": result["extensions"]}


def test_ids_too_large_for_the_database_are_simply_absent(gql):
    huge = 2**70
    result = gql(
        """query($b: ID!, $a: ID!, $s: ID!) {
          book(id: $b) { id } author(id: $a) { id } series(id: $s) { id }
        }""",
        {"b": gid(huge, "Book"), "a": gid(huge, "Author"), "s": gid(huge, "Series")},
    )
    assert without_cost(result) == {"data": {"book": None, "author": None, "series": None}}
    result = gql("query($id: ID!) { node(id: $id) { id } }", {"id": gid(huge, "Book")})
    assert without_cost(result) == {"data": {"node": None}}
