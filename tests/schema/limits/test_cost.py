"""The cost model (schema/limits/costs.py): known queries, their numbers, and the default
maximum against the heaviest screens a client really shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql import get_introspection_query, parse, validate
from graphql.execution.values import get_variable_values
from graphql.utilities import get_operation_ast
from strawberry.relay import to_base64

from apps.accounts.models import User
from schema import schema
from schema.limits.costs import operation_cost
from schema.limits.rules import fragments_of
from tests.factories import make_author, make_book, make_genre, make_review, make_user

GRAPHQL_SCHEMA = schema._schema


def cost(query: str, variables: dict | None = None, operation_name: str | None = None) -> int:
    document = parse(query)
    assert not validate(GRAPHQL_SCHEMA, document), validate(GRAPHQL_SCHEMA, document)
    operation = get_operation_ast(document, operation_name)
    coerced = get_variable_values(
        GRAPHQL_SCHEMA, operation.variable_definitions or (), variables or {}
    )
    assert not isinstance(coerced, list), coerced
    return operation_cost(GRAPHQL_SCHEMA, fragments_of(document), operation, coerced).cost


# What client screens ask for: the catalogue page, a book page, the README's examples.
CATALOGUE_PAGE = """
query Catalogue($after: String) {
  books(first: 100, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id title coverUrl(size: SMALL) publicationYear
      authors { id name }
      genres { slug name }
      series { name }
      ratingSummary { average count histogram { value count } }
    } }
  }
}
"""
BOOK_PAGE = """
query BookPage($id: ID!) {
  book(id: $id) {
    id title description coverUrl(size: LARGE) publicationYear pages viewerStatus
    authors { id name photoUrl }
    genres { slug name }
    ratingSummary { average count histogram { value count } }
    similarBooks(first: 10) { id title coverUrl authors { name } }
    reviews(first: 50) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id body createdAt spoiler user { username avatarUrl(size: SMALL) } } }
    }
  }
}
"""
README_BOOK = '{ book(isbn: "978-0-439-02348-1") { id title authors { name } } }'
README_SHELVE_AND_RATE = """mutation($b: ID!) {
  setReadingStatus(bookId: $b, status: READ) { userBook { status finishedAt } errors { code message } }
  rateBook(bookId: $b, value: 4.5) {
    rating { value } book { title ratingSummary { average count } viewerStatus }
    errors { code message }
  }
}"""


@pytest.mark.parametrize(
    ("query", "variables", "expected"),
    [
        # A scalar is free; an object costs 1.
        ("{ __typename }", None, 0),
        ("{ me { username } }", None, 1),
        ("{ me { username profile { bio } } }", None, 2),
        # A connection: 1, plus its page size times each node (1) and what the node selects.
        ("{ books(first: 10) { edges { node { title } } } }", None, 11),
        ("{ books(first: 10) { edges { node { title authors { name } } } } }", None, 21),
        ("{ books(last: 3) { edges { node { title } } } }", None, 4),
        # totalCount is one more query; pageInfo and cursors come with the page.
        ("{ books(first: 10) { totalCount pageInfo { hasNextPage } edges { cursor } } }", None, 2),
        # No first/last: the connection returns every row; priced as a full page of 100.
        ("{ books { edges { node { title } } } }", None, 101),
        # The page size given by a variable, or left to a paginated list's default (10).
        (
            "query($n: Int!) { books(first: $n) { edges { node { title } } } }",
            {"n": 7},
            8,
        ),
        ('{ book(id: "x") { similarBooks { title } } }', None, 1 + 2 + 10),
        ('{ book(id: "x") { similarBooks(first: 5) { title authors { name } } } }', None, 13),
        # Nested connections multiply.
        (
            "{ books(first: 10) { edges { node { reviews(first: 5) { edges { node { body } } } } } } }",
            None,
            1 + 10 * (1 + 1 + 5),
        ),
        # Declared costs: search 10, rankings 5 (times their page size).
        ('{ search(query: "dune", first: 20) { totalCount } }', None, 10 + 1),
        ("{ trendingBooks(first: 20) { books { title } } }", None, 5 + 20),
        # nodes(ids:) costs one per id.
        ('{ nodes(ids: ["a", "b", "c"]) { id } }', None, 1 + 3),
        # A mutation costs 10 plus its payload.
        (
            'mutation { rateBook(bookId: "x", value: 4) { rating { value } errors { code } } }',
            None,
            12,
        ),
        # Fragments, inline fragments and aliases count as the fields they stand for.
        (
            """{ a: books(first: 2) { ...Page } b: books(first: 3) { ...Page } }
            fragment Page on BookCursorConnection { edges { node { ...B } } }
            fragment B on Book { authors { name } ... on Book { genres { name } } }""",
            None,
            (1 + 2 * 3) + (1 + 3 * 3),
        ),
    ],
)
def test_known_costs(query, variables, expected):
    assert cost(query, variables) == expected


def test_the_cost_is_that_of_the_operation_that_runs():
    document = """query Cheap { me { username } }
      query Dear { books(first: 50) { edges { node { title } } } }"""
    assert cost(document, operation_name="Cheap") == 1
    assert cost(document, operation_name="Dear") == 1 + 50


def test_introspection_is_free():
    assert cost(get_introspection_query(descriptions=True)) == 0


@pytest.mark.parametrize(
    "query",
    [CATALOGUE_PAGE, BOOK_PAGE, README_BOOK, README_SHELVE_AND_RATE],
    ids=["catalogue page (100 books)", "book page (50 reviews)", "README book", "README rate"],
)
def test_real_screens_fit_well_under_the_default_maximum(query, settings):
    # Under a fifth of the maximum: room for a screen to grow, or to batch two of them.
    assert cost(query, {"id": "x", "b": "x"}) <= settings.GRAPHQL_MAX_COST / 5


def test_a_page_of_a_hundred_books_with_fifty_reviews_each_is_too_costly(settings):
    query = """{ books(first: 100) { edges { node {
      reviews(first: 50) { edges { node { body user { username } } } } } } } }"""
    assert cost(query) > settings.GRAPHQL_MAX_COST


# --- over HTTP -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_response_carries_its_cost(gql):
    make_book("Dune", authors=[make_author("Frank Herbert")])
    result = gql("{ books(first: 10) { edges { node { title authors { name } } } } }")
    assert result["data"]["books"]["edges"][0]["node"]["title"] == "Dune"
    assert result["extensions"]["cost"]["requested"] == 21
    assert result["extensions"]["cost"]["maximum"] == 5000
    # The viewer's remaining rate-limit budget (null when rate limiting is off).
    assert "remaining" in result["extensions"]["cost"]


@pytest.mark.django_db
def test_the_heaviest_real_screens_run_under_the_default_maximum(gql):
    genres = [make_genre(f"Genre {i}") for i in range(3)]
    authors = [make_author(f"Writer {i}") for i in range(2)]
    books = [make_book(f"Book {i:03d}", authors=authors, genres=genres) for i in range(100)]
    readers = [make_user(f"reader{i}") for i in range(50)]
    for reader in readers:
        make_review(user=reader, book=books[0], body=f"Review by {reader.username}")

    page = gql(CATALOGUE_PAGE)
    assert "errors" not in page, page["errors"]
    assert len(page["data"]["books"]["edges"]) == 100
    assert page["extensions"]["cost"]["requested"] <= 5000

    book = gql(BOOK_PAGE, {"id": to_base64("Book", books[0].pk)})
    assert "errors" not in book, book["errors"]
    assert len(book["data"]["book"]["reviews"]["edges"]) == 50
    assert book["extensions"]["cost"]["requested"] <= 5000


@pytest.mark.django_db
def test_a_query_over_the_maximum_cost_is_refused_before_anything_runs(client, settings):
    settings.GRAPHQL_MAX_COST = 20
    make_book("Dune")
    query = "{ books(first: 10) { edges { node { title authors { name } } } } }"  # 21
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/graphql",
            {"query": query},
            content_type="application/json",
            headers={"Accept": "application/graphql-response+json"},
        )
    assert response.status_code == 400
    body = response.json()
    assert "data" not in body
    (error,) = body["errors"]
    assert error["message"] == "Query cost 21 exceeds the maximum of 20 (GRAPHQL_MAX_COST)."
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert body["extensions"]["cost"]["requested"] == 21
    assert body["extensions"]["cost"]["maximum"] == 20
    assert not [q for q in queries.captured_queries if "catalog_book" in q["sql"]]

    settings.GRAPHQL_MAX_COST = 21  # the nearby valid case
    response = client.post("/graphql", {"query": query}, content_type="application/json")
    assert response.json()["data"]["books"]["edges"][0]["node"]["title"] == "Dune"


@pytest.mark.django_db
def test_a_costly_mutation_is_refused_without_side_effect(gql, settings):
    settings.GRAPHQL_MAX_COST = 11
    register = """mutation { register(input: {username: "zoe", email: "zoe@example.com",
      password: "a long and happy passphrase"}) { user { username } errors { code } } }"""
    result = gql(register)  # 10 + user 1 + errors 1
    assert result["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert not User.objects.filter(username="zoe").exists()
    settings.GRAPHQL_MAX_COST = 12
    assert gql(register)["data"]["register"]["user"]["username"] == "zoe"


@pytest.mark.django_db
def test_fragments_that_spread_each_other_are_priced_not_expanded(gql):
    # 2**40 copies of a page if expanded: priced in linear time, and refused.
    depth = 40
    fragments = "\n".join(
        f"fragment F{i} on BookCursorConnection {{ ...F{i + 1} ...F{i + 1} }}" for i in range(depth)
    )
    fragments += f"\nfragment F{depth} on BookCursorConnection {{ edges {{ node {{ id }} }} }}"
    result = gql("{ books(first: 1) { ...F0 } }\n" + fragments)
    (error,) = result["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert error["extensions"]["actual"] == 1 + 2**depth
