"""`search` and `suggest` over GraphQL: ranked hits hydrated as their types, facets, errors."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from strawberry.relay import to_base64

from apps.search.indexing import rebuild
from tests.factories import make_author, make_book
from tests.search.conftest import build_catalog

pytestmark = pytest.mark.django_db

SEARCH = """
query Search($query: String!, $types: [SearchType!], $filter: SearchFilter, $first: Int,
             $after: String) {
  search(query: $query, types: $types, filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    facets { genres { genre { slug } count } decades { decade count } }
    edges {
      cursor score
      highlights { field snippet }
      node {
        __typename
        ... on Book { id title authors { name } }
        ... on Author { id name }
        ... on User { id username }
        ... on ReadingList { id name }
      }
    }
  }
}
"""
SUGGEST = """
query Suggest($prefix: String!, $types: [SearchType!], $limit: Int) {
  suggest(prefix: $prefix, types: $types, limit: $limit) {
    text type node { __typename ... on Book { title } ... on Author { name } }
  }
}
"""


@pytest.fixture
def catalog(db):
    return build_catalog()


def test_search_returns_ranked_hits_as_their_own_types(gql, catalog):
    data = gql(SEARCH, {"query": "tolkein", "first": 3})["data"]["search"]
    nodes = [edge["node"] for edge in data["edges"]]
    assert nodes[0] == {
        "__typename": "Author",
        "id": to_base64("Author", catalog.authors.tolkien.pk),
        "name": "J.R.R. Tolkien",
    }
    assert [n["title"] for n in nodes[1:]] == ["The Hobbit", "The Fellowship of the Ring"]
    assert nodes[1]["authors"] == [{"name": "J.R.R. Tolkien"}]
    scores = [edge["score"] for edge in data["edges"]]
    assert scores == sorted(scores, reverse=True)


def test_hits_carry_highlights_of_where_they_matched(gql, catalog):
    data = gql(SEARCH, {"query": "hunger gmes", "types": ["BOOK"], "first": 1})["data"]
    edge = data["search"]["edges"][0]
    assert edge["node"]["title"] == "The Hunger Games"
    assert {"field": "title", "snippet": "The <em>Hunger</em> <em>Games</em>"} in edge["highlights"]


def test_an_isbn_finds_that_book_first(gql, catalog):
    for isbn in ["0-439-02348-3", "9780439023481"]:
        edges = gql(SEARCH, {"query": isbn})["data"]["search"]["edges"]
        assert edges[0]["node"]["title"] == "The Hunger Games"
        assert edges[0]["highlights"] == [{"field": "isbn", "snippet": "9780439023481"}]


def test_cursors_page_through_the_ranked_hits(gql, catalog):
    variables = {"query": "harry hobbit hunger", "types": ["BOOK"]}
    everything = gql(SEARCH, {**variables, "first": 10})["data"]["search"]
    first = gql(SEARCH, {**variables, "first": 2})["data"]["search"]
    after = first["pageInfo"]["endCursor"]
    second = gql(SEARCH, {**variables, "first": 2, "after": after})["data"]["search"]
    titles = [e["node"]["title"] for e in first["edges"] + second["edges"]]
    assert titles == [e["node"]["title"] for e in everything["edges"][:4]]
    assert first["pageInfo"]["hasNextPage"] is True
    assert second["pageInfo"]["hasPreviousPage"] is True
    assert first["totalCount"] == everything["totalCount"] == len(everything["edges"]) == 5


def test_facets_count_matching_books_by_genre_and_decade(gql, catalog):
    data = gql(SEARCH, {"query": "harry hobbit", "first": 1})["data"]["search"]
    assert data["facets"] == {
        "genres": [
            {"genre": {"slug": "fantasy"}, "count": 3},
            {"genre": {"slug": "classics"}, "count": 1},
        ],
        "decades": [{"decade": 1930, "count": 1}, {"decade": 1990, "count": 2}],
    }


def test_filters_narrow_the_hits_to_books(gql, catalog):
    variables = {"query": "harry hobbit hunger tolkien", "filter": {"genres": ["classics"]}}
    data = gql(SEARCH, variables)["data"]["search"]
    assert {e["node"]["title"] for e in data["edges"]} == {"Hunger", "The Hobbit"}


def test_private_lists_and_profiles_are_not_hits_for_others(gql, catalog):
    data = gql(SEARCH, {"query": "zelda dragons", "types": ["USER", "LIST"]})["data"]
    assert [e["node"] for e in data["search"]["edges"]] == [
        {
            "__typename": "ReadingList",
            "id": to_base64("ReadingList", catalog.lists.public.pk),
            "name": "Dragons and wizards",
        }
    ]
    gql.login(catalog.users.alice)
    data = gql(SEARCH, {"query": "dragons", "types": ["LIST"]})["data"]
    assert len(data["search"]["edges"]) == 3


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"query": ""}, "query"),
        ({"query": "   \t "}, "query"),
        ({"query": "dune " * 41}, "query"),
        ({"query": "dune", "after": "not-a-cursor"}, "after"),
        ({"query": "dune", "filter": {"yearFrom": 2000, "yearTo": 1990}}, "filter.yearTo"),
        ({"query": "dune", "filter": {"minRating": 6}}, "filter.minRating"),
    ],
)
def test_bad_arguments_are_a_clear_invalid_error(gql, catalog, variables, field):
    result = gql(SEARCH, variables)
    assert result["data"] is None
    [error] = result["errors"]
    assert error["extensions"] == {"code": "INVALID", "field": field}
    assert error["path"] == ["search"]


def test_a_page_over_100_is_refused_before_searching(gql, catalog):
    result = gql(SEARCH, {"query": "dune", "first": 101})
    assert "data" not in result
    assert result["errors"][0]["extensions"]["code"] == "PAGE_SIZE_TOO_LARGE"


def test_hydrating_hits_costs_the_same_queries_for_any_page_size(gql, db):
    writer = make_author("Prolific Writer")
    for number in range(12):
        make_book(f"Saga volume {number}", [writer], source_ratings_count=number)
    rebuild()

    def count(first: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            data = gql(SEARCH, {"query": "saga volume", "types": ["BOOK"], "first": first})
        assert len(data["data"]["search"]["edges"]) == first
        return len(queries)

    assert count(2) == count(12)


def test_suggest_completes_titles_and_names(gql, catalog):
    result = gql(SUGGEST, {"prefix": "ha", "types": ["BOOK"], "limit": 2})["data"]["suggest"]
    assert result == [
        {
            "text": "Harry Potter and the Sorcerer's Stone",
            "type": "BOOK",
            "node": {"__typename": "Book", "title": "Harry Potter and the Sorcerer's Stone"},
        },
        {
            "text": "Harry Potter and the Chamber of Secrets",
            "type": "BOOK",
            "node": {"__typename": "Book", "title": "Harry Potter and the Chamber of Secrets"},
        },
    ]
    assert gql(SUGGEST, {"prefix": "h"})["data"]["suggest"] == []
    typo = gql(SUGGEST, {"prefix": "tolkein", "types": ["AUTHOR"]})["data"]["suggest"]
    assert typo == [
        {
            "text": "J.R.R. Tolkien",
            "type": "AUTHOR",
            "node": {"__typename": "Author", "name": "J.R.R. Tolkien"},
        }
    ]
    error = gql(SUGGEST, {"prefix": "ha", "limit": 0})["errors"][0]
    assert error["extensions"] == {"code": "INVALID", "field": "limit"}
