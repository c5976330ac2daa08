"""Depth, aliases, tokens and page sizes: each refused with a top-level error naming the limit
and its setting, before anything runs; the nearby valid operation passes."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql import get_introspection_query

from apps.accounts.models import User
from tests.factories import make_author, make_book

pytestmark = pytest.mark.django_db

GQL = "application/graphql-response+json"


def post(client, query: str, variables: dict | None = None, accept: str = GQL):
    return client.post(
        "/graphql",
        json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
        headers={"Accept": accept},
    )


def refused(client, query: str, variables: dict | None = None) -> dict:
    """The one error of a request refused before execution (400, no data, no SQL)."""
    with CaptureQueriesContext(connection) as queries:
        response = post(client, query, variables)
    assert response.status_code == 400, response.content
    body = response.json()
    assert "data" not in body
    assert not queries.captured_queries, [q["sql"] for q in queries.captured_queries]
    (error,) = body["errors"]
    return error


def runs(client, query: str, variables: dict | None = None) -> dict:
    response = post(client, query, variables)
    body = response.json()
    assert response.status_code == 200, body
    assert "errors" not in body, body["errors"]
    return body["data"]


@pytest.fixture
def dune():
    return make_book("Dune", authors=[make_author("Frank Herbert")])


# --- depth ---------------------------------------------------------------------------------


def test_a_query_deeper_than_the_maximum_is_refused(client, settings, dune):
    settings.GRAPHQL_MAX_DEPTH = 4
    deep = "{ books(first: 1) { edges { node { authors { name } } } } }"  # depth 5
    error = refused(client, deep)
    assert error["message"] == "Query depth 5 exceeds the maximum of 4 (GRAPHQL_MAX_DEPTH)."
    assert error["extensions"] == {
        "code": "QUERY_TOO_DEEP",
        "limit": "GRAPHQL_MAX_DEPTH",
        "maximum": 4,
        "actual": 5,
    }
    shallow = "{ books(first: 1) { edges { node { title } } } }"  # depth 4
    assert runs(client, shallow)["books"]["edges"][0]["node"]["title"] == "Dune"


def test_depth_follows_fragments_and_inline_fragments(client, settings):
    settings.GRAPHQL_MAX_DEPTH = 4
    query = """{ books(first: 1) { ...Page } }
      fragment Page on BookCursorConnection { edges { node { ... on Book { ...B } } } }
      fragment B on Book { authors { name } }"""
    assert refused(client, query)["extensions"]["actual"] == 5


def test_a_deep_mutation_has_no_side_effect(client, settings):
    settings.GRAPHQL_MAX_DEPTH = 2
    register = """mutation { register(input: {username: "zoe", email: "zoe@example.com",
      password: "a long and happy passphrase"}) { user { profile { bio } } errors { code } } }"""
    assert refused(client, register)["extensions"]["code"] == "QUERY_TOO_DEEP"
    assert not User.objects.filter(username="zoe").exists()


# --- aliases -------------------------------------------------------------------------------


def test_too_many_aliases_are_refused(client, settings, dune):
    settings.GRAPHQL_MAX_ALIASES = 3
    four = "{ a: books(first: 1) { totalCount } b: me { id } c: __typename d: __typename }"
    error = refused(client, four)
    assert error["message"] == (
        "Query uses 4 aliases, over the maximum of 3 (GRAPHQL_MAX_ALIASES)."
    )
    assert error["extensions"]["code"] == "TOO_MANY_ALIASES"
    assert error["extensions"]["limit"] == "GRAPHQL_MAX_ALIASES"
    three = "{ a: books(first: 1) { totalCount } b: me { id } c: __typename }"
    assert runs(client, three)["a"] == {"totalCount": 1}


def test_an_alias_in_a_fragment_counts_once_per_spread(client, settings):
    settings.GRAPHQL_MAX_ALIASES = 3
    query = """{ a: books(first: 1) { ...F } b: books(first: 1) { ...F } }
      fragment F on BookCursorConnection { n: totalCount }"""
    assert refused(client, query)["extensions"]["actual"] == 4


# --- tokens --------------------------------------------------------------------------------


def test_a_document_over_the_token_maximum_is_refused(client, settings):
    settings.GRAPHQL_MAX_TOKENS = 100
    over = "{ " + "__typename " * 120 + "}"
    error = refused(client, over)
    assert error["message"] == (
        "Query document exceeds the maximum of 100 tokens (GRAPHQL_MAX_TOKENS)."
    )
    assert error["extensions"]["code"] == "TOO_MANY_TOKENS"
    assert runs(client, "{ " + "__typename " * 90 + "}") == {"__typename": "Query"}


def test_comments_count_as_tokens(client, settings):
    settings.GRAPHQL_MAX_TOKENS = 100
    commented = "{\n" + "# padding\n" * 200 + "__typename }"
    assert refused(client, commented)["extensions"]["code"] == "TOO_MANY_TOKENS"


def test_other_syntax_errors_keep_their_message(client):
    error = refused(client, "{ books(first: ) }")
    assert error["message"].startswith("Syntax Error")
    assert error["extensions"] == {"code": "GRAPHQL_PARSE_FAILED"}


# --- page sizes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "variables", "coordinate", "value"),
    [
        ("{ books(first: 101) { totalCount } }", None, "Query.books(first:)", 101),
        ("{ books(last: 500) { totalCount } }", None, "Query.books(last:)", 500),
        (
            "query($n: Int) { authors(first: $n) { totalCount } }",
            {"n": 101},
            "Query.authors(first:)",
            101,
        ),
        ('{ suggest(prefix: "du", limit: 101) { text } }', None, "Query.suggest(limit:)", 101),
        (
            "query($n: Int!) { books(first: 1) { edges { node { reviews(first: $n) "
            "{ totalCount } } } } }",
            {"n": 1000},
            "Book.reviews(first:)",
            1000,
        ),
    ],
)
def test_a_page_size_over_the_maximum_is_refused(client, query, variables, coordinate, value):
    error = refused(client, query, variables)
    assert error["message"] == (
        f"Page size {value} for {coordinate} exceeds the maximum of 100 (GRAPHQL_MAX_PAGE_SIZE)."
    )
    assert error["extensions"] == {
        "code": "PAGE_SIZE_TOO_LARGE",
        "limit": "GRAPHQL_MAX_PAGE_SIZE",
        "maximum": 100,
        "actual": value,
    }


def test_a_page_of_the_maximum_size_runs(client, dune):
    query = "query($n: Int) { books(first: $n) { totalCount } authors(last: 100) { totalCount } }"
    assert runs(client, query, {"n": 100}) == {
        "books": {"totalCount": 1},
        "authors": {"totalCount": 1},
    }


def test_the_page_size_maximum_is_a_setting(client, settings, dune):
    settings.GRAPHQL_MAX_PAGE_SIZE = 5
    assert refused(client, "{ books(first: 6) { totalCount } }")["extensions"]["maximum"] == 5
    assert runs(client, "{ books(first: 5) { totalCount } }") == {"books": {"totalCount": 1}}


# --- what every client relies on -----------------------------------------------------------


def test_legacy_json_clients_get_the_refusal_with_200(client, settings):
    settings.GRAPHQL_MAX_DEPTH = 1
    response = post(client, "{ me { id } }", accept="application/json")
    assert response.status_code == 200
    assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_DEEP"


def test_the_full_introspection_query_runs_under_the_default_limits(client):
    # GraphiQL's and Apollo codegen's query: `ofType` nests far deeper than GRAPHQL_MAX_DEPTH.
    query = get_introspection_query(
        descriptions=True,
        specified_by_url=True,
        directive_is_repeatable=True,
        schema_description=True,
        input_value_deprecation=True,
    )
    data = runs(client, query)
    assert data["__schema"]["queryType"]["name"] == "Query"
    response = post(client, query)
    assert response.json()["extensions"]["cost"]["requested"] == 0


def test_introspection_cannot_nest_without_bound(client):
    # The amplification the depth exemption could open: graphql-core's
    # MaxIntrospectionDepthRule still refuses it.
    query = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }"
    response = post(client, query)
    assert response.status_code == 400
    assert "Maximum introspection depth exceeded" in response.json()["errors"][0]["message"]


def test_validation_rules_other_extensions_add_still_apply(client, settings):
    # The limits run Strawberry's validation themselves (page sizes and cost need a valid
    # document); rules added per operation, like the introspection switch's, are part of it.
    settings.GRAPHQL_INTROSPECTION = False
    response = post(client, "{ __schema { queryType { name } } }")
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "INTROSPECTION_DISABLED"
