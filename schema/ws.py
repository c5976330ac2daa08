"""The GraphQL WebSocket consumer at /graphql: `graphql-transport-ws` and legacy `graphql-ws`.

- Authentication once per connection, in `connection_init`: payload `{"authToken": "<access
  token>"}` (or `{"Authorization": "Bearer <token>"}`), else the handshake's `Authorization`
  header; a personal access token (`bn_pat_…`) is accepted the same way (schema/auth.py), its
  scopes checked for each operation (schema/token_scopes.py). A bad, expired or revoked token
  closes the connection with 4403 (both protocols); no token at all means an anonymous viewer,
  who may subscribe to public streams only.
- An authenticated connection lives only as long as its credential: it joins its reader's
  `user.<id>` group at once and closes (4403, with a reason saying why) when a revocation names
  its session, its personal access token or its reader (apps/accounts/live_connections.py),
  when its token expires, or when a check every `GRAPHQL_WS_RECHECK_SECONDS` finds the token
  refused. Nothing is sent after that close.
- Origins: a browser page may connect from the server's own origin (its host in
  `DJANGO_ALLOWED_HOSTS`: `BrowserOriginValidator`, booknest/asgi.py, then Strawberry's same-origin
  check) or from an origin in `CORS_ALLOWED_ORIGINS` (a frontend served elsewhere); clients that
  send no Origin (apps, scripts) are not browsers and pass.
- Keep-alive: the server pings (`ping` in graphql-transport-ws, `ka` in graphql-ws) every
  `GRAPHQL_WS_KEEPALIVE_SECONDS`, so proxies keep idle connections open and clients notice
  dead ones.
- A connection that sends no `connection_init` within `GRAPHQL_WS_INIT_TIMEOUT_SECONDS` is
  closed (4408); at most `GRAPHQL_WS_MAX_SUBSCRIPTIONS` operations run at once per connection.
- Each operation runs on a context of its own (schema/subscriptions/context.py).
"""

import asyncio
import datetime as dt
import logging
import time
from collections import Counter
from contextlib import suppress

from channels.security.websocket import OriginValidator
from django.conf import settings
from graphql import GraphQLError
from strawberry.channels import GraphQLWSConsumer as StrawberryWSConsumer
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler

from apps.accounts.live_connections import (
    CONNECTIONS_ENDED,
    CloseReason,
    Credential,
)
from apps.core.events import EVENT_TYPE, user_group
from booknest import metrics
from booknest.request_id import client_ip_of_scope, new_request_id
from schema import schema
from schema.auth import resolve_viewer, token_from_headers
from schema.masking import ambiguous_operation
from schema.ratelimit import admit_websocket, release_websocket
from schema.storable import unstorable_character
from schema.subscriptions.context import ConnectionContext

FORBIDDEN = 4403
INIT_TIMEOUT = 4408
TOO_MANY_SUBSCRIPTIONS = "TOO_MANY_SUBSCRIPTIONS"


def refusal_before_running(payload: object, running: int):
    """The error for an operation refused before Strawberry sees it, or None: the connection's
    cap on operations at once (Strawberry's own refusal has no code), or a document with several
    operations and no `operationName` (Strawberry would run the first one)."""
    maximum = settings.GRAPHQL_WS_MAX_SUBSCRIPTIONS
    if running >= maximum:
        return GraphQLError(
            f"Subscription limit reached: at most {maximum} operations at once on a connection "
            "(GRAPHQL_WS_MAX_SUBSCRIPTIONS).",
            extensions={
                "code": TOO_MANY_SUBSCRIPTIONS,
                "limit": "GRAPHQL_WS_MAX_SUBSCRIPTIONS",
                "maximum": maximum,
            },
        )
    payload = payload if isinstance(payload, dict) else {}
    return ambiguous_operation(payload.get("query"), payload.get("operationName"))


def token_of(payload: dict, headers: dict[str, str]) -> str | None:
    """The access token a client offers: `authToken`, else `Authorization` in the payload, else
    the handshake header (None: anonymous; "": malformed, as is one with a lone surrogate or
    NUL, which no token has and which the JWT decoder cannot even encode)."""
    token = _offered_token(payload, headers)
    return "" if token and unstorable_character(token) else token


def _offered_token(payload: dict, headers: dict[str, str]) -> str | None:
    raw = payload.get("authToken")
    if raw is not None:
        if not isinstance(raw, str):
            return ""
        prefix, _, rest = raw.strip().partition(" ")
        # Apollo examples often pass the header value itself: accept "Bearer <token>" too.
        return rest.strip() if rest and prefix.lower() in ("bearer", "jwt") else raw.strip()
    if "Authorization" in payload or "authorization" in payload:
        value = payload.get("Authorization") or payload.get("authorization")
        return token_from_headers({"Authorization": value}) if isinstance(value, str) else ""
    return token_from_headers(headers)


class BrowserOriginValidator(OriginValidator):
    """Channels' AllowedHostsOriginValidator, except that a handshake with no Origin passes.

    Only browsers send an Origin, and only in a browser could a foreign page ride on a visitor's
    credentials; native apps, Node clients and scripts send none (Channels would refuse them
    all). Authentication is by token in `connection_init` anyway, never by cookie.
    """

    def __init__(self, application):
        super().__init__(application, settings.ALLOWED_HOSTS)

    def valid_origin(self, parsed_origin) -> bool:
        if parsed_origin is None:
            return True
        # A frontend on another origin that CORS lets call /graphql may subscribe too.
        origin = f"{parsed_origin.scheme}://{parsed_origin.netloc}".lower()
        if origin in {o.lower().rstrip("/") for o in settings.CORS_ALLOWED_ORIGINS}:
            return True
        return self.validate_origin(parsed_origin)


class TransportWSHandler(BaseGraphQLTransportWSHandler):
    """graphql-transport-ws, plus server pings once the connection is acknowledged."""

    keep_alive_task: asyncio.Task | None = None

    async def handle_connection_init(self, message) -> None:
        await super().handle_connection_init(message)
        if self.connection_acknowledged and self.keep_alive_task is None:
            self.keep_alive_task = asyncio.create_task(self.ping_regularly())

    async def handle_subscribe(self, message) -> None:
        """`refusal_before_running` answers with an `error` message; the connection carries on."""
        error = refusal_before_running(message.get("payload"), len(self.operations))
        if (
            error is not None
            and self.connection_acknowledged
            and message["id"] not in self.operations
        ):
            await self.send_message(
                {"id": message["id"], "type": "error", "payload": [error.formatted]}
            )
            return
        await super().handle_subscribe(message)

    async def ping_regularly(self) -> None:
        while True:
            await asyncio.sleep(settings.GRAPHQL_WS_KEEPALIVE_SECONDS)
            await self.send_message({"type": "ping"})

    async def shutdown(self) -> None:
        if self.keep_alive_task:
            self.keep_alive_task.cancel()
            with suppress(BaseException):
                await self.keep_alive_task
        await super().shutdown()

    async def send_message(self, message) -> None:
        """Sends a message; a `next` (an operation's result) counts as an event delivered."""
        await super().send_message(message)
        if message.get("type") == "next":
            metrics.EVENTS_DELIVERED.labels(protocol="graphql-transport-ws").inc()


class LegacyWSHandler(BaseGraphQLWSHandler):
    """Legacy graphql-ws, closing with 4403 on a refused token (Strawberry closes with 1011)
    and with 4408 when `connection_init` does not come in time (Strawberry never does)."""

    async def handle(self) -> None:
        timeout = asyncio.create_task(self.close_unless_initialised())
        try:
            await super().handle()
        finally:
            timeout.cancel()
            with suppress(BaseException):
                await timeout

    async def close_unless_initialised(self) -> None:
        await asyncio.sleep(settings.GRAPHQL_WS_INIT_TIMEOUT_SECONDS)
        if not self.connection_acknowledged:
            await self.websocket.close(
                code=INIT_TIMEOUT, reason="Connection initialisation timeout"
            )

    async def handle_connection_init(self, message) -> None:
        payload = message.get("payload")
        if isinstance(payload, dict) or payload is None:
            self.context.connection_params = payload or {}
            try:
                await self.view.on_ws_connect(self.context)
            except ConnectionRejectionError as exc:
                await self.send_message({"type": "connection_error", "payload": exc.payload})
                await self.websocket.close(code=FORBIDDEN, reason="Forbidden")
                return
        await super().handle_connection_init(message)

    async def handle_start(self, message) -> None:
        """`refusal_before_running` answers with an `error` message; the connection carries on."""
        running = len(self.tasks) - (message["id"] in self.tasks)  # a restarted id is replaced
        error = refusal_before_running(message.get("payload"), running)
        if error is not None and self.connection_acknowledged:
            await self.send_message(
                {"type": "error", "id": message["id"], "payload": error.formatted}
            )
            return
        await super().handle_start(message)

    async def send_message(self, message) -> None:
        """Sends a message; a `data` (an operation's result) counts as an event delivered."""
        await super().send_message(message)
        if message.get("type") == "data":
            metrics.EVENTS_DELIVERED.labels(protocol="graphql-ws").inc()


class GraphQLWSConsumer(StrawberryWSConsumer):
    graphql_transport_ws_handler_class = TransportWSHandler
    graphql_ws_handler_class = LegacyWSHandler

    def __init__(self, **kwargs):
        super().__init__(
            schema=schema,
            keep_alive=True,
            keep_alive_interval=settings.GRAPHQL_WS_KEEPALIVE_SECONDS,
            connection_init_wait_timeout=dt.timedelta(
                seconds=settings.GRAPHQL_WS_INIT_TIMEOUT_SECONDS
            ),
            max_subscriptions_per_connection=settings.GRAPHQL_WS_MAX_SUBSCRIPTIONS,
            # Cross-origin pages Strawberry lets in besides the server's own (CORS's list).
            allowed_origins=settings.CORS_ALLOWED_ORIGINS,
            **kwargs,
        )
        self.group_users: Counter[str] = Counter()
        self.group_lock = asyncio.Lock()
        self.admitted = False
        # What the connection was authenticated with (None: anonymous, or not yet), its token
        # (kept to check it again), and the task that ends the connection when it stops working.
        self.credential: Credential | None = None
        self.token: str | None = None
        self.credential_group: str | None = None  # joined: revocations reach this connection
        self.guard_task: asyncio.Task | None = None
        self.ended = False

    async def connect(self) -> None:
        self.request_id = new_request_id()  # one per connection, in its logs and errors
        self.client_ip = client_ip_of_scope(self.scope)
        if not await admit_websocket(self):
            await self.close(code=1013)  # "try again later": a connection cap is reached
            return
        self.admitted = True
        metrics.WEBSOCKETS_OPEN.inc()
        await super().connect()

    async def disconnect(self, code: int) -> None:
        self.ended = True
        if self.guard_task is not None:
            self.guard_task.cancel()
            with suppress(BaseException):
                await self.guard_task
        if self.admitted:
            self.admitted = False
            metrics.WEBSOCKETS_OPEN.dec()
            await release_websocket(self)
        await super().disconnect(code)
        if self.credential_group is not None:
            await self.leave_group(self.credential_group)
            self.credential_group = None

    async def dispatch(self, message) -> None:
        """A revocation naming this connection's credential closes it; anything else goes the
        usual way (events to the subscriptions' queues, WebSocket frames to the handler)."""
        if message.get("type") == EVENT_TYPE and message.get("event") == CONNECTIONS_ENDED:
            if self.credential is not None and self.credential.is_ended_by(message):
                await self.end(message.get("reason") or CloseReason.ACCESS_REVOKED)
            return
        await super().dispatch(message)

    async def end(self, reason: str) -> None:
        """Close the connection because its credential no longer works: 4403 and `reason`,
        and nothing more is sent (the operations stop when the close completes)."""
        if self.ended:
            return
        self.ended = True
        await self.close(code=FORBIDDEN, reason=reason)

    async def send(self, text_data=None, bytes_data=None, close=False) -> None:
        if self.ended:  # ended for a revocation: no event leaves after the close
            return
        await super().send(text_data=text_data, bytes_data=bytes_data, close=close)

    async def get_context(self, request, response) -> ConnectionContext:
        return ConnectionContext(
            request=request,
            response=response,
            request_id=self.request_id,
            client_ip=self.client_ip,
        )

    async def on_ws_connect(self, context: ConnectionContext):
        """Who is connecting, from `connection_init`; refuses a token that is not valid."""
        if context.authenticated:  # the legacy handler asks first, then Strawberry again
            return None
        token = token_of(context.connection_params or {}, self.get_websocket_headers(self))
        user, error = await resolve_viewer(token)
        if error:
            raise ConnectionRejectionError({"message": error})
        context.user = user
        context.authenticated = True
        if user.is_authenticated:
            self.credential, self.token = user.credential, token
            self.guard_task = asyncio.create_task(self.guard_credential())
        return None

    async def guard_credential(self) -> None:
        """End the connection when its credential stops working.

        Joins the reader's group first, so that revocations reach it from now on, then checks
        the token again: one revoked between the check at `connection_init` and the join was
        announced before anyone here listened. Then it waits for the token's expiry, checking
        the token every GRAPHQL_WS_RECHECK_SECONDS on the way (a lost announcement, a disabled
        account).
        """
        credential = self.credential
        await self.join_credential_group()
        while True:
            if not await self.credential_still_works():
                return
            recheck_at = time.time() + settings.GRAPHQL_WS_RECHECK_SECONDS
            expires_at = credential.expires_at.timestamp() if credential.expires_at else None
            if expires_at is not None and expires_at <= recheck_at:
                await asyncio.sleep(max(0.0, expires_at - time.time()))
                await self.end(CloseReason.EXPIRED)
                return
            await asyncio.sleep(recheck_at - time.time())
            if self.credential_group is None:  # the layer was down when it connected
                await self.join_credential_group()

    async def join_credential_group(self) -> None:
        """Join `user.<id>` for the connection itself; with the layer unreachable the
        connection works on (its subscriptions say live updates are unavailable) and the
        guard tries again at its next check."""
        group = user_group(self.credential.user_id)
        try:
            await self.join_group(group)
        except GraphQLError:
            return
        self.credential_group = group

    async def credential_still_works(self) -> bool:
        """Check the token against the database again; ends the connection when it is refused
        (a database error keeps it: the next check decides)."""
        try:
            _, error = await resolve_viewer(self.token)
        except Exception:  # logged: a database outage does not close sockets
            logging.getLogger("booknest.errors").warning(
                "could not check a WebSocket's token (connection %s)",
                self.request_id,
                exc_info=True,
                extra={"request_id": self.request_id},
            )
            return True
        if error is None:
            return True
        expires_at = self.credential.expires_at
        expired = expires_at is not None and expires_at.timestamp() <= time.time()
        await self.end(CloseReason.EXPIRED if expired else CloseReason.ACCESS_REVOKED)
        return False

    async def join_group(self, group: str) -> None:
        """Join a channel-layer group on behalf of one more subscription of this connection.

        When the layer (Redis) cannot be reached within a few seconds, the subscription fails
        with a SERVICE_UNAVAILABLE error saying live updates are unavailable (not a closed
        socket, not a hang); the connection and its other operations carry on.
        """
        import logging

        from graphql import GraphQLError

        async with self.group_lock:
            if self.group_users[group] == 0:
                try:
                    await asyncio.wait_for(
                        self.channel_layer.group_add(group, self.channel_name), timeout=5
                    )
                except Exception as exc:
                    logging.getLogger("booknest.errors").warning(
                        "live updates unavailable: joining %s failed (connection %s): %s: %s",
                        group,
                        self.request_id,
                        type(exc).__name__,
                        exc,
                        extra={"request_id": self.request_id},
                    )
                    with suppress(Exception):  # forget the half-made membership, locally
                        await self.channel_layer.group_discard(group, self.channel_name)
                    raise GraphQLError(
                        "Live updates are unavailable: the event service cannot be reached. "
                        "Retry shortly.",
                        extensions={"code": "SERVICE_UNAVAILABLE", "requestId": self.request_id},
                    ) from exc
            self.group_users[group] += 1

    async def leave_group(self, group: str) -> None:
        """The last subscription using a group has ended: leave it."""
        async with self.group_lock:
            if group not in self.group_users:
                return  # never joined (joining failed): nothing to leave
            self.group_users[group] -= 1
            if self.group_users[group] <= 0:
                del self.group_users[group]
                with suppress(Exception):  # a connection going away: the layer expires it
                    await self.channel_layer.group_discard(group, self.channel_name)
