"""A small synchronous GraphQL-over-WebSocket client (the `websockets` package) for live tests."""

import json
import time
import urllib.request
from contextlib import ExitStack

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

TIMEOUT = 15  # generous: a slow CI machine, never a figure that is measured


def http_graphql(base_url: str, query: str, variables: dict | None = None, token: str = ""):
    """POST one operation; returns the decoded response body."""
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(  # noqa: S310 - local URL
        f"{base_url}/graphql", data=body, headers={"Content-Type": "application/json"}
    )
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
        result = json.loads(response.read())
    assert "errors" not in result, result
    return result["data"]


class WSClient:
    """One connection speaking graphql-transport-ws (default) or legacy graphql-ws."""

    def __init__(
        self,
        base_url: str,
        payload: dict | None = None,
        *,
        protocol: str = "graphql-transport-ws",
        headers: dict | None = None,
        init: bool = True,
    ) -> None:
        self.protocol = protocol
        self.stack = ExitStack()
        self.ws: ClientConnection = self.stack.enter_context(
            connect(
                base_url.replace("http", "ws", 1) + "/graphql",
                subprotocols=[protocol],
                additional_headers=headers or {},
                open_timeout=TIMEOUT,
            )
        )
        self.ack = None
        if init:
            self.send({"type": "connection_init", "payload": payload or {}})
            self.ack = self.receive()

    @classmethod
    def as_user(cls, base_url: str, token: str, **kwargs) -> "WSClient":
        client = cls(base_url, {"authToken": token}, **kwargs)
        assert client.ack["type"] == "connection_ack", client.ack
        return client

    def send(self, message: dict) -> None:
        self.ws.send(json.dumps(message))

    def receive(self, timeout: float = TIMEOUT) -> dict:
        """The next message that is not a keep-alive (pings are answered)."""
        deadline = time.monotonic() + timeout
        while True:
            message = json.loads(self.ws.recv(timeout=max(0.01, deadline - time.monotonic())))
            if message["type"] == "ping":
                self.send({"type": "pong"})
            elif message["type"] != "ka":
                return message

    def subscribe(self, op_id: str, query: str, variables: dict | None = None) -> None:
        kind = "subscribe" if self.protocol == "graphql-transport-ws" else "start"
        payload = {"query": query, "variables": variables or {}}
        self.send({"id": op_id, "type": kind, "payload": payload})

    def next_data(self, op_id: str | None = None) -> dict:
        """The data of the next result (of `op_id` when given)."""
        message = self.receive()
        assert message["type"] in ("next", "data"), message
        if op_id is not None:
            assert message["id"] == op_id, message
        assert not message["payload"].get("errors"), message
        return message["payload"]["data"]

    def close(self) -> None:
        self.stack.close()

    def __enter__(self) -> "WSClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def settle(client: WSClient) -> None:
    """Let just-sent subscriptions join their groups before the test triggers an event.

    The protocol has no "subscribed" acknowledgement; a ping round trip shows the server has
    read every earlier message, and the short pause lets the subscription tasks it started reach
    their group joins (microseconds on the in-memory layer, one round trip to Redis; the pause
    leaves room for a loaded CI machine).
    """
    if client.protocol == "graphql-transport-ws":
        client.send({"type": "ping"})
        while client.receive()["type"] != "pong":
            pass
    time.sleep(0.5)


LOG_IN = """mutation($u: String!, $p: String!) {
  tokenAuth(username: $u, password: $p) { token payload } }"""


def log_in(base_url: str, username: str, password: str) -> dict:
    """A new session through the API: `token` (an access token) and `sid` (the session's id)."""
    data = http_graphql(base_url, LOG_IN, {"u": username, "p": password})["tokenAuth"]
    return {"token": data["token"], "sid": data["payload"]["sid"]}


def closed_by_server(client: WSClient) -> tuple[int, str]:
    """(code, reason) of the server's close, which must come before any other message (an
    event delivered after a revocation fails the test)."""
    try:
        message = client.receive()
    except ConnectionClosed as closed:
        assert closed.rcvd is not None, "closed without a close frame from the server"
        return closed.rcvd.code, closed.rcvd.reason
    raise AssertionError(f"a message arrived instead of the close: {message}")
