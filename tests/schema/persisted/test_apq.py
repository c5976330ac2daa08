"""Apollo's automatic persisted queries over HTTP, as Apollo Client's persisted-query link
speaks them: hash only → PersistedQueryNotFound → hash + query → data → hash only → data."""

import hashlib
import json
import uuid

import pytest
from django.core.cache import cache

from schema.persisted import cache_key
from tests.factories import make_book
from tests.schema.lending.helpers import gid

pytestmark = pytest.mark.django_db

GQL = "application/graphql-response+json"
JSON = "application/json"
BOOK = "query BookTitle($id: ID!) { book(id: $id) { title } }"


def unique(query: str) -> str:
    """`query` with a comment of its own: a hash no other test (or run) has stored."""
    return f"{query}\n# {uuid.uuid4().hex}"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def persisted(text: str, version=1) -> dict:
    return {"persistedQuery": {"version": version, "sha256Hash": sha(text)}}


def post(client, body: dict, accept: str | None = None):
    headers = {"Accept": accept} if accept else {}
    return client.post("/graphql", json.dumps(body), content_type=JSON, headers=headers)


def get(client, params: dict, accept: str | None = None):
    headers = {"Accept": accept} if accept else {}
    encoded = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in params.items()}
    return client.get("/graphql", encoded, headers=headers)


def data(response) -> dict:
    """The data of a response that has no errors."""
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def error_code(response) -> str:
    return response.json()["errors"][0]["extensions"]["code"]


@pytest.mark.parametrize("send", [post, get], ids=["POST", "GET"])
def test_apollo_round_trip(client, send):
    book = make_book("Persuasion")
    query = unique(BOOK)
    variables = {"id": gid(book)}

    # 1. The link sends the hash alone: the server does not know it yet.
    miss = send(client, {"variables": variables, "extensions": persisted(query)})
    assert miss.status_code == 200
    assert "data" not in miss.json()
    assert miss.json()["errors"] == [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]
    assert miss["Cache-Control"] == "private, no-cache, must-revalidate"  # no CDN keeps a miss

    # 2. It resends with the query (Apollo's link always retries with POST): stored and run.
    full = post(
        client,
        {
            "query": query,
            "variables": variables,
            "operationName": "BookTitle",
            "extensions": persisted(query),
        },
    )
    assert full.status_code == 200
    assert data(full) == {"book": {"title": "Persuasion"}}

    # 3. From now on the hash alone is enough.
    hit = send(client, {"variables": variables, "extensions": persisted(query)})
    assert hit.status_code == 200
    assert data(hit) == {"book": {"title": "Persuasion"}}


def test_the_stored_query_is_in_the_cache_under_its_hash(client):
    query = unique("{ __typename }")
    post(client, {"query": query, "extensions": persisted(query)})
    assert cache.get(cache_key(sha(query))) == query


def test_not_found_is_200_even_under_graphql_response_json(client):
    """Apollo Server's status: the link retries on the body, whatever the status."""
    response = post(client, {"extensions": persisted(unique("{ __typename }"))}, accept=GQL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(GQL)
    assert error_code(response) == "PERSISTED_QUERY_NOT_FOUND"


@pytest.mark.parametrize("accept, status", [(GQL, 400), (JSON, 200)])
def test_hash_that_is_not_the_query_s_is_refused_and_not_stored(client, accept, status):
    query, other = unique("{ __typename }"), unique("{ __typename }")
    response = post(client, {"query": query, "extensions": persisted(other)}, accept=accept)
    assert response.status_code == status
    assert "data" not in response.json()
    assert response.json()["errors"] == [
        {
            "message": "provided sha does not match query",
            "extensions": {"code": "PERSISTED_QUERY_HASH_MISMATCH"},
        }
    ]
    # Neither text is now reachable by the other's hash.
    assert error_code(post(client, {"extensions": persisted(other)})) == (
        "PERSISTED_QUERY_NOT_FOUND"
    )


def test_unsupported_version_is_a_clear_error(client):
    query = unique("{ __typename }")
    response = post(client, {"query": query, "extensions": persisted(query, version=2)}, GQL)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "PERSISTED_QUERY_VERSION_NOT_SUPPORTED"
    assert "version 2" in error["message"]
    assert "version 1" in error["message"]


@pytest.mark.parametrize(
    "extension, fragment",
    [
        ("not an object", "must be an object"),
        ({"version": 1}, "sha256Hash"),
        ({"version": 1, "sha256Hash": "abc"}, "sha256Hash"),
        ({"version": 1, "sha256Hash": 42}, "sha256Hash"),
    ],
)
def test_malformed_persisted_query_extension_is_400(client, extension, fragment):
    response = post(client, {"extensions": {"persistedQuery": extension}})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert fragment in error["message"]


def test_disabled_apq_answers_not_supported_and_full_queries_still_run(client, settings):
    settings.APQ_ENABLED = False
    query = unique("{ __typename }")
    refused = post(client, {"extensions": persisted(query)})
    assert refused.status_code == 200
    assert refused.json()["errors"] == [
        {
            "message": "PersistedQueryNotSupported",
            "extensions": {"code": "PERSISTED_QUERY_NOT_SUPPORTED"},
        }
    ]
    # Apollo's link then drops the extension and sends the query: it runs, and is not stored.
    assert data(post(client, {"query": query})) == {"__typename": "Query"}
    also = post(client, {"query": query, "extensions": persisted(query)})
    assert error_code(also) == "PERSISTED_QUERY_NOT_SUPPORTED"
    assert cache.get(cache_key(sha(query))) is None


def test_a_query_that_does_not_validate_is_answered_but_not_stored(client):
    query = unique("{ noSuchField }")
    response = post(client, {"query": query, "extensions": persisted(query)})
    assert "Cannot query field 'noSuchField'" in response.json()["errors"][0]["message"]
    assert cache.get(cache_key(sha(query))) is None


def test_a_mutation_by_hash_over_get_is_still_refused(client):
    """The stored text goes through the same rules as a sent one: no mutation over GET."""
    query = unique("mutation ($b: ID!) { addCopy(bookId: $b) { errors { code } } }")
    cache.set(cache_key(sha(query)), query)
    response = get(client, {"extensions": persisted(query)})
    assert response.status_code == 405


def test_uppercase_hash_finds_the_same_query(client):
    query = unique("{ __typename }")
    post(client, {"query": query, "extensions": persisted(query)})
    upper = {"persistedQuery": {"version": 1, "sha256Hash": sha(query).upper()}}
    assert data(post(client, {"extensions": upper})) == {"__typename": "Query"}
