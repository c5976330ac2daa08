"""The same refusals over WebSocket, both protocols, through the real ASGI application and
consumer (Channels' communicator): text that cannot be stored is a BAD_USER_INPUT before
anything runs, and every request error has its code. The connection lives on."""

import json

import pytest
from channels.testing import WebsocketCommunicator

from apps.accounts.models import User
from tests.factories import make_book
from tests.security.conftest import gid

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

TIMEOUT = 10
SURROGATE = "ab\ud800cd"
REGISTER = "mutation($i: RegisterInput!) { register(input: $i) { user { id } } }"
BOOK_ACTIVITY = "subscription($id: ID!) { bookActivity(bookId: $id) { __typename } }"


async def connect(protocol: str) -> WebsocketCommunicator:
    from booknest.asgi import application

    communicator = WebsocketCommunicator(application, "/graphql", subprotocols=[protocol])
    connected, _ = await communicator.connect(timeout=TIMEOUT)
    assert connected
    await communicator.send_json_to({"type": "connection_init", "payload": {}})
    assert (await receive(communicator))["type"] == "connection_ack"
    return communicator


async def receive(communicator) -> dict:
    """The next message that is not a keep-alive."""
    while True:
        message = await communicator.receive_json_from(TIMEOUT)
        if message["type"] not in ("ping", "pong", "ka"):
            return message


async def send(communicator, protocol: str, id_: str, payload: dict, raw: str | None = None):
    kind = "subscribe" if protocol == "graphql-transport-ws" else "start"
    if raw is not None:  # the message's text as given
        await communicator.send_to(text_data=raw)
    else:
        await communicator.send_json_to({"id": id_, "type": kind, "payload": payload})
    message = await receive(communicator)
    assert message["id"] == id_, message
    return message


def the_error(message: dict) -> dict:
    """The one error of an `error` message (a list in graphql-transport-ws, an object in
    graphql-ws)."""
    assert message["type"] == "error", message
    payload = message["payload"]
    if isinstance(payload, list):
        [payload] = payload
    return payload


async def still_serves(communicator, protocol: str) -> None:
    if protocol == "graphql-transport-ws":
        message = await send(communicator, protocol, "alive", {"query": "{ __typename }"})
        assert message["type"] == "next"
        assert message["payload"]["data"] == {"__typename": "Query"}
    else:  # graphql-ws serves subscriptions only: a refusal that is not about the input
        message = await send(communicator, protocol, "alive", {"query": "{ __typename }"})
        assert the_error(message)["extensions"]["code"] == "BAD_REQUEST"


PROTOCOLS = ["graphql-transport-ws", "graphql-ws"]


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_text_that_cannot_be_stored_is_refused_over_websocket(protocol):
    book = await make_book_async()
    communicator = await connect(protocol)
    try:
        subscription = await send(
            communicator, protocol, "s1", {"query": BOOK_ACTIVITY, "variables": {"id": SURROGATE}}
        )
        error = the_error(subscription)
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert error["message"].startswith("Variable '$id' got invalid value at 'id'")

        literal = 'subscription { bookActivity(bookId: "a\\u0000") { __typename } }'
        error = the_error(await send(communicator, protocol, "s2", {"query": literal}))
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert error["locations"] == [{"line": 1, "column": 37}]

        # Channels' JSON parser takes NaN: refused like the rest (JSON columns cannot hold it).
        kind = "subscribe" if protocol == "graphql-transport-ws" else "start"
        raw = json.dumps(
            {
                "id": "s3",
                "type": kind,
                "payload": {
                    "query": BOOK_ACTIVITY,
                    "variables": {"id": gid(book), "x": {"y": float("nan")}},
                },
            }
        )
        error = the_error(await send(communicator, protocol, "s3", {}, raw=raw))
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "variable": "x", "path": "x.y"}

        await still_serves(communicator, protocol)
    finally:
        await communicator.disconnect()


async def test_a_mutation_with_a_surrogate_over_websocket_writes_nothing():
    communicator = await connect("graphql-transport-ws")
    try:
        variables = {"i": {"username": SURROGATE, "email": "a@example.com", "password": "x" * 12}}
        message = await send(
            communicator, "graphql-transport-ws", "m", {"query": REGISTER, "variables": variables}
        )
        assert the_error(message)["extensions"]["path"] == "i.username"
        user_query = "query($u: String!) { user(username: $u) { id } }"
        message = await send(
            communicator,
            "graphql-transport-ws",
            "q",
            {"query": user_query, "variables": {"u": SURROGATE}},
        )
        assert the_error(message)["extensions"]["code"] == "BAD_USER_INPUT"
    finally:
        await communicator.disconnect()
    assert not await User.objects.aexists()


# name: (payload, code), for operations over both protocols (subscriptions: graphql-ws
# serves nothing else).
CASES = {
    "validation": ({"query": "subscription { nope }"}, "GRAPHQL_VALIDATION_FAILED"),
    "coercion": (
        {"query": BOOK_ACTIVITY, "variables": {"id": None}},
        "BAD_USER_INPUT",
    ),
    "missing variable": ({"query": BOOK_ACTIVITY}, "BAD_USER_INPUT"),
    "unknown operationName": (
        {"query": "subscription A { unreadNotificationCountChanged }", "operationName": "B"},
        "OPERATION_RESOLUTION_FAILURE",
    ),
    "several operations": (
        {
            "query": "subscription A { unreadNotificationCountChanged }"
            " subscription B { unreadNotificationCountChanged }"
        },
        "OPERATION_RESOLUTION_FAILURE",
    ),
}


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_each_request_error_has_its_code_over_websocket(protocol, name):
    payload, code = CASES[name]
    communicator = await connect(protocol)
    try:
        error = the_error(await send(communicator, protocol, "op", payload))
        assert error["extensions"]["code"] == code, error
        await still_serves(communicator, protocol)
    finally:
        await communicator.disconnect()


async def test_a_syntax_error_over_graphql_ws_has_its_code():
    communicator = await connect("graphql-ws")
    try:
        error = the_error(await send(communicator, "graphql-ws", "op", {"query": "subscription {"}))
        assert error["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    finally:
        await communicator.disconnect()


async def test_a_syntax_error_over_graphql_transport_ws_closes_with_4400_and_the_reason():
    # The protocol's reference server does the same: a close frame has a reason, no code.
    communicator = await connect("graphql-transport-ws")
    try:
        await communicator.send_json_to(
            {"id": "op", "type": "subscribe", "payload": {"query": "subscription {"}}
        )
        closed = await communicator.receive_output(TIMEOUT)
        assert (closed["type"], closed["code"]) == ("websocket.close", 4400)
        assert closed["reason"].startswith("Syntax Error")
    finally:
        await communicator.disconnect()


async def make_book_async():
    from asgiref.sync import sync_to_async

    return await sync_to_async(make_book)()


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_token_with_a_surrogate_in_connection_init_closes_with_4403(protocol):
    from booknest.asgi import application

    communicator = WebsocketCommunicator(application, "/graphql", subprotocols=[protocol])
    assert (await communicator.connect(timeout=TIMEOUT))[0]
    try:
        await communicator.send_json_to(
            {"type": "connection_init", "payload": {"authToken": SURROGATE}}
        )
        while (output := await communicator.receive_output(TIMEOUT))["type"] != "websocket.close":
            pass  # graphql-ws sends a connection_error first
        assert output["code"] == 4403
    finally:
        await communicator.disconnect()


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_the_operation_over_the_connection_cap_is_refused_with_a_code(protocol, settings):
    settings.GRAPHQL_WS_MAX_SUBSCRIPTIONS = 1
    book = await make_book_async()
    communicator = await connect(protocol)
    try:
        kind = "subscribe" if protocol == "graphql-transport-ws" else "start"
        payload = {"query": BOOK_ACTIVITY, "variables": {"id": gid(book)}}
        await communicator.send_json_to({"id": "first", "type": kind, "payload": payload})
        error = the_error(await send(communicator, protocol, "second", payload))
        assert error["extensions"] == {
            "code": "TOO_MANY_SUBSCRIPTIONS",
            "limit": "GRAPHQL_WS_MAX_SUBSCRIPTIONS",
            "maximum": 1,
        }
    finally:
        await communicator.disconnect()
