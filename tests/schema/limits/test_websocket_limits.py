"""The same limits per operation over WebSocket (graphql-transport-ws), through the real ASGI
application and consumer (Channels' communicator)."""

import pytest

from tests.helpers import open_graphql_ws

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

TIMEOUT = 10


async def operation(communicator, id_: str, query: str, variables: dict | None = None) -> dict:
    """Subscribes and returns the first message that is not a ping."""
    await communicator.send_json_to(
        {"id": id_, "type": "subscribe", "payload": {"query": query, "variables": variables}}
    )
    while True:
        message = await communicator.receive_json_from(TIMEOUT)
        if message["type"] not in ("ping", "pong"):
            assert message["id"] == id_
            return message


async def test_a_subscription_over_a_limit_is_refused_and_the_connection_lives_on(settings):
    settings.GRAPHQL_MAX_DEPTH = 2
    communicator = await open_graphql_ws(TIMEOUT)
    try:
        deep = await operation(
            communicator, "deep", "subscription { activityAdded { verb actor { username } } }"
        )
        assert deep["type"] == "error"
        (error,) = deep["payload"]
        assert error["message"] == "Query depth 3 exceeds the maximum of 2 (GRAPHQL_MAX_DEPTH)."
        assert error["extensions"]["code"] == "QUERY_TOO_DEEP"

        settings.GRAPHQL_MAX_ALIASES = 1
        aliased = await operation(
            communicator, "aliases", "subscription { a: activityAdded { v: verb } }"
        )
        assert aliased["type"] == "error"
        assert aliased["payload"][0]["extensions"]["code"] == "TOO_MANY_ALIASES"

        # The same connection still runs what is within the limits.
        ok = await operation(communicator, "ok", "{ __typename }")
        assert ok["type"] == "next"
        assert ok["payload"]["data"] == {"__typename": "Query"}
        assert ok["payload"]["extensions"]["cost"]["requested"] == 0
    finally:
        await communicator.disconnect()


async def test_page_size_and_cost_hold_for_operations_over_websocket(settings):
    communicator = await open_graphql_ws(TIMEOUT)
    try:
        page = await operation(
            communicator,
            "page",
            "query($n: Int) { books(first: $n) { totalCount } }",
            {"n": 101},
        )
        assert page["type"] == "error"
        assert page["payload"][0]["extensions"]["code"] == "PAGE_SIZE_TOO_LARGE"

        settings.GRAPHQL_MAX_COST = 5
        costly = await operation(
            communicator, "cost", "{ books(first: 10) { edges { node { title } } } }"
        )
        assert costly["type"] == "error"
        assert costly["payload"][0]["message"] == (
            "Query cost 11 exceeds the maximum of 5 (GRAPHQL_MAX_COST)."
        )

    finally:
        await communicator.disconnect()


async def test_a_document_over_the_token_maximum_closes_with_the_limit_as_reason(settings):
    # graphql-transport-ws answers a document that does not parse by closing with 4400 and the
    # syntax error as reason: the token limit stops the parser, so it is that reason.
    settings.GRAPHQL_MAX_TOKENS = 100
    communicator = await open_graphql_ws(TIMEOUT)
    try:
        await communicator.send_json_to(
            {
                "id": "tokens",
                "type": "subscribe",
                "payload": {"query": "{ " + "__typename " * 120 + "}"},
            }
        )
        closed = await communicator.receive_output(TIMEOUT)
        assert closed["type"] == "websocket.close"
        assert closed["code"] == 4400
        assert closed["reason"] == (
            "Query document exceeds the maximum of 100 tokens (GRAPHQL_MAX_TOKENS)."
        )
    finally:
        await communicator.disconnect()
