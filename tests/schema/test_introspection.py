"""The introspection switch (`GRAPHQL_INTROSPECTION`, read per operation; schema/introspection.py)."""

import json

import pytest

# Imported here, not in a test: it runs django.setup() again (see tests/schema/test_masking.py).
from tests.helpers import open_graphql_ws

pytestmark = pytest.mark.django_db

SCHEMA = "{ __schema { queryType { name } types { name fields { name } } } }"
TYPE = '{ __type(name: "Book") { name fields { name } } }'
HIDDEN_IN_A_FRAGMENT = "query { ...F } fragment F on Query { __schema { queryType { name } } }"


def post(client, query: str, accept: str = "application/graphql-response+json"):
    return client.post(
        "/graphql", {"query": query}, content_type="application/json", headers={"Accept": accept}
    )


def test_introspection_is_on_by_default(client):
    body = post(client, SCHEMA).json()
    assert body["data"]["__schema"]["queryType"] == {"name": "Query"}


@pytest.mark.parametrize("query", [SCHEMA, TYPE, HIDDEN_IN_A_FRAGMENT])
def test_off_it_refuses_schema_and_type_with_a_code(client, settings, query):
    settings.GRAPHQL_INTROSPECTION = False
    response = post(client, query)
    assert response.status_code == 400  # a request error: nothing was executed
    body = response.json()
    assert "data" not in body
    [error] = body["errors"]  # once per introspection root, not once per nested field
    assert error["extensions"] == {"code": "INTROSPECTION_DISABLED"}
    assert "Introspection is disabled" in error["message"]
    assert "Book" not in json.dumps(body) or query == TYPE  # nothing of the schema leaks
    # The legacy media type gets the same error, with 200.
    legacy = post(client, query, accept="application/json")
    assert legacy.status_code == 200
    assert legacy.json()["errors"][0]["extensions"]["code"] == "INTROSPECTION_DISABLED"


def test_off_typename_still_works_and_turning_it_back_on_needs_no_restart(client, settings):
    settings.GRAPHQL_INTROSPECTION = False
    body = post(client, "{ __typename books(first: 1) { __typename totalCount } }").json()
    assert body["data"] == {
        "__typename": "Query",
        "books": {"__typename": "BookCursorConnection", "totalCount": 0},
    }
    settings.GRAPHQL_INTROSPECTION = True
    assert post(client, SCHEMA).json()["data"]["__schema"]["queryType"] == {"name": "Query"}


@pytest.mark.django_db(transaction=True)
async def test_off_it_is_refused_over_websocket_too(settings):
    settings.GRAPHQL_INTROSPECTION = False
    communicator = await open_graphql_ws()
    try:
        await communicator.send_json_to(
            {"id": "1", "type": "subscribe", "payload": {"query": SCHEMA}}
        )
        message = await communicator.receive_json_from(timeout=10)
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "INTROSPECTION_DISABLED", message
        assert "queryType" not in json.dumps(message)
    finally:
        await communicator.disconnect()
