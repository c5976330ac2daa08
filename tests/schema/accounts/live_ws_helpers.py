"""Helpers of the tests of WebSockets ending with their credentials: logins and mutations over
HTTP and sockets through the real ASGI application, in process (Channels' communicator)."""

import asyncio
import json
import uuid

from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from strawberry.relay import to_base64

from booknest.asgi import application
from tests.asgi_client import asgi_request
from tests.schema.accounts.helpers import PASSWORD, TOKEN_AUTH

TIMEOUT = 10
FOLLOWS = "subscription { followEvents { following follower { username } } }"
FOLLOW = "mutation($id: ID!) { follow(userId: $id) { errors { code } } }"
UNFOLLOW = "mutation($id: ID!) { unfollow(userId: $id) { errors { code } } }"


def isolated_channel_layer(settings) -> None:
    """A channel-layer key prefix of the test's own on Redis: readers of other tests (other
    xdist workers share the Redis database) have the same ids, so their `user.<id>` groups —
    and a revocation closing "every socket of user 3" — would meet ours."""
    layers = {alias: dict(config) for alias, config in settings.CHANNEL_LAYERS.items()}
    config = layers["default"].get("CONFIG")
    if config is not None and "prefix" in config:
        layers["default"]["CONFIG"] = {**config, "prefix": f"{config['prefix']}-{uuid.uuid4().hex}"}
        settings.CHANNEL_LAYERS = layers
    channel_layers.backends.clear()


async def graphql(query: str, variables: dict | None = None, token: str | None = None) -> dict:
    """One operation over HTTP (in process); its data, failing the test on errors."""
    headers = [("content-type", "application/json")]
    if token:
        headers.append(("authorization", f"Bearer {token}"))
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    answer = await asgi_request(application, "POST", "/graphql", headers=headers, body=body)
    result = json.loads(answer.body)
    assert not result.get("errors"), result
    return result["data"]


async def log_in(username: str, password: str = PASSWORD) -> dict:
    """A new session: `token`, `refreshToken` and `sid` (the session's id)."""
    data = (await graphql(TOKEN_AUTH, {"username": username, "password": password}))["tokenAuth"]
    return {**data, "sid": data["payload"]["sid"]}


def pat_id(secret_row_pk: int) -> str:
    return to_base64("PersonalAccessToken", secret_row_pk)


class Socket:
    """One authenticated connection following `followEvents`."""

    def __init__(self, communicator: WebsocketCommunicator, protocol: str) -> None:
        self.communicator = communicator
        self.protocol = protocol

    @classmethod
    async def open(cls, token: str, protocol: str = "graphql-transport-ws") -> "Socket":
        communicator = WebsocketCommunicator(application, "/graphql", subprotocols=[protocol])
        connected, _ = await communicator.connect(timeout=TIMEOUT)
        assert connected
        await communicator.send_json_to(
            {"type": "connection_init", "payload": {"authToken": token}}
        )
        socket = cls(communicator, protocol)
        assert (await socket.receive())["type"] == "connection_ack"
        start = "subscribe" if protocol == "graphql-transport-ws" else "start"
        await communicator.send_json_to(
            {"id": "follows", "type": start, "payload": {"query": FOLLOWS}}
        )
        # A query on the same connection is answered after the subscription joined its group
        # (the legacy protocol refuses queries at once: give its subscription a moment).
        await communicator.send_json_to(
            {"id": "q", "type": start, "payload": {"query": "{ __typename }"}}
        )
        while (message := await socket.receive())["type"] not in ("complete", "error"):
            assert message.get("id") == "q", message
        if protocol == "graphql-ws":
            await asyncio.sleep(0.5)
        return socket

    async def receive(self) -> dict:
        while True:
            message = await self.communicator.receive_json_from(TIMEOUT)
            if message["type"] not in ("ping", "pong", "ka"):
                return message

    async def next_follower(self) -> str:
        message = await self.receive()
        assert message["type"] in ("next", "data") and message["id"] == "follows", message
        return message["payload"]["data"]["followEvents"]["follower"]["username"]

    async def closed(self) -> tuple[int, str]:
        """(code, reason) of the server's close; fails on any message before it (an event)."""
        while True:
            output = await self.communicator.receive_output(TIMEOUT)
            if output["type"] != "websocket.send" or '"type":"ping"' not in output["text"].replace(
                " ", ""
            ):
                break
        assert output["type"] == "websocket.close", output
        return output.get("code"), output.get("reason")

    async def stays_silent(self) -> None:
        assert await self.communicator.receive_nothing(timeout=0.5)

    async def close(self) -> None:
        await self.communicator.disconnect()
