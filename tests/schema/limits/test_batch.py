"""Batched requests (Apollo's BatchHttpLink): a POST body that is an array of operations."""

import json

import pytest

from apps.accounts.models import User
from tests.factories import make_book

pytestmark = pytest.mark.django_db

GQL = "application/graphql-response+json"
REGISTER = """mutation { register(input: {username: "zoe", email: "zoe@example.com",
  password: "a long and happy passphrase"}) { user { username } errors { code } } }"""


def post_batch(client, body, accept: str = GQL):
    return client.post(
        "/graphql",
        json.dumps(body),
        content_type="application/json",
        headers={"Accept": accept},
    )


def test_each_operation_runs_on_its_own_and_results_come_back_in_order(client):
    make_book("Dune")
    response = post_batch(
        client,
        [
            {"query": "query First { books(first: 1) { edges { node { title } } } }"},
            {"query": "{ noSuchField }"},
            "not an operation",
            {"query": "query($n: Int!) { books(first: $n) { totalCount } }", "variables": {}},
            {"query": "query Last { __typename }", "operationName": "Last"},
        ],
    )
    assert response.status_code == 200
    assert response["Content-Type"] == f"{GQL}; charset=utf-8"
    first, unknown, malformed, bad_variables, last = response.json()
    assert first["data"] == {"books": {"edges": [{"node": {"title": "Dune"}}]}}
    assert first["extensions"]["cost"]["requested"] == 2
    assert unknown["errors"][0]["message"] == "Cannot query field 'noSuchField' on type 'Query'."
    assert "data" not in unknown
    assert malformed == {
        "errors": [
            {
                "message": "Each operation of a batch must be a JSON object.",
                "extensions": {"code": "BAD_REQUEST"},
            }
        ]
    }
    assert "Variable '$n'" in bad_variables["errors"][0]["message"]
    assert last["data"] == {"__typename": "Query"}


def test_mutations_run_in_order_within_a_batch(client):
    response = post_batch(
        client,
        [
            {"query": REGISTER},
            {"query": '{ user(username: "zoe") { username } }'},
            {"query": REGISTER},
        ],
    )
    assert response.status_code == 200
    registered, found, again = response.json()
    assert registered["data"]["register"] == {"user": {"username": "zoe"}, "errors": []}
    assert found["data"]["user"] == {"username": "zoe"}
    assert again["data"]["register"]["user"] is None
    assert again["data"]["register"]["errors"]


def test_limits_apply_to_each_operation_of_a_batch(client, settings):
    settings.GRAPHQL_MAX_DEPTH = 2
    response = post_batch(
        client,
        [
            {"query": "{ books(first: 1) { edges { node { title } } } }"},
            {"query": "{ books(first: 1) { totalCount } }"},
        ],
    )
    assert response.status_code == 200
    deep, shallow = response.json()
    assert deep["errors"][0]["extensions"]["code"] == "QUERY_TOO_DEEP"
    assert shallow["data"] == {"books": {"totalCount": 0}}


def test_a_batch_over_the_maximum_is_refused_whole(client, settings):
    settings.GRAPHQL_MAX_BATCH = 2
    response = post_batch(client, [{"query": REGISTER}] + [{"query": "{ __typename }"}] * 2)
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "message": "Batch of 3 operations exceeds the maximum of 2 (GRAPHQL_MAX_BATCH).",
                "extensions": {"code": "BATCH_TOO_LARGE"},
            }
        ]
    }
    assert not User.objects.filter(username="zoe").exists()  # nothing ran
    ok = post_batch(client, [{"query": "{ __typename }"}] * 2)
    assert ok.status_code == 200
    assert [result["data"] for result in ok.json()] == [{"__typename": "Query"}] * 2


@pytest.mark.parametrize("accept", [GQL, "application/json"])
def test_an_empty_batch_is_a_bad_request(client, accept):
    response = post_batch(client, [], accept=accept)
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_a_batch_whose_every_operation_is_refused_gets_their_status(client):
    response = post_batch(client, [{"query": "{ nope }"}, {"query": "{ neither }"}])
    assert response.status_code == 400
    assert len(response.json()) == 2
    # A legacy application/json client gets 200, as for a single refused operation.
    assert post_batch(client, [{"query": "{ nope }"}], accept="application/json").status_code == 200


def test_an_unknown_persisted_query_fails_alone(client):
    response = post_batch(
        client,
        [
            {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}},
            {"query": "{ __typename }"},
        ],
    )
    assert response.status_code == 200
    missing, ran = response.json()
    assert missing["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert ran["data"] == {"__typename": "Query"}
