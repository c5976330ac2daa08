"""Who is asking: the token in the `Authorization` header, checked once per operation.

`Authorization: Bearer <token>` and `Authorization: JWT <token>` (django-graphql-jwt's prefix)
are accepted. The token is a JWT access token, or a personal access token (`bn_pat_…`,
apps/accounts/personal_tokens.py), which makes the viewer a `TokenViewer` limited by the
token's scopes (schema/token_scopes.py); the same function serves HTTP and WebSockets. No header means an anonymous viewer. A header with a bad, expired or revoked
token fails the whole operation with a top-level `UNAUTHENTICATED` error: the client asked to
be someone and is not, so answering as anonymous would hide the problem.

Over HTTP a JWT access token is checked in two parts. Its signature, expiry and claims need no
database: `viewer_for_request` checks them at once and the viewer is the token's user (a bare
`User` with its id) with a `PendingToken`. Whether the token still stands (its user active and
not suspended, its version current, its session not ended: `tokens.user_for_claims`) is one
query, asked once per operation when it is known what will run:
- a query operation answered by a compiled read asks it in the read's own statement, which then
  returns nothing for a refused token (schema/compiled/run.py): one statement for the screen;
- anything else asks it before it runs (`settle_viewer`), as the resolver path needs the user.
The answer is the same either way (one rule, `tokens.token_users` its SQL form), and so are the
refusal's message and precedence: a check after this one that refuses the operation before the
read (the limits, the rate limit) gives way to a refused token, and the rate limit gives back
the points it took (schema/ratelimit.py). WebSocket connections check the whole token when they
open (schema/ws.py).

The API never authenticates by cookie, so a foreign page cannot act with a visitor's session
and GraphQL over HTTP needs no CSRF token.
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth.models import AnonymousUser
from graphql import FieldNode, GraphQLError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from apps.accounts.models import User
from apps.accounts.personal_tokens import (
    is_personal_access_token,
    viewer_for_personal_access_token,
)
from apps.accounts.tokens import (
    TokenError,
    decode_access_token,
    session_of,
    user_for_access_token,
    user_for_claims,
)
from apps.core.errors import ErrorCode
from schema.compiled.switch import compiled_reads_enabled

PREFIXES = ("bearer", "jwt")


def unauthenticated(message: str = "You must be logged in.") -> GraphQLError:
    return GraphQLError(message, extensions={"code": ErrorCode.UNAUTHENTICATED.value})


def token_from_headers(headers: Mapping[str, str]) -> str | None:
    """The token of an `Authorization: Bearer|JWT <token>` header; "" for a malformed header."""
    value = headers.get("Authorization") or headers.get("authorization")
    if not value:
        return None
    prefix, _, token = value.strip().partition(" ")
    if prefix.lower() not in PREFIXES or not token.strip():
        return ""
    return token.strip()


async def resolve_viewer(token: str | None):
    """(user, error message): the viewer for a token, or why the token was refused."""
    if token is None:
        return AnonymousUser(), None
    if not token:
        return AnonymousUser(), "Authorization header must be `Bearer <token>` or `JWT <token>`"
    check = (
        viewer_for_personal_access_token
        if is_personal_access_token(token)
        else user_for_access_token
    )
    try:
        return await sync_to_async(check)(token), None
    except TokenError as exc:
        return AnonymousUser(), str(exc)


@dataclass(frozen=True)
class PendingToken:
    """An access token whose signature, expiry and claims are good, not yet known to stand."""

    claims: dict
    user_id: int
    version: Any
    session_id: uuid.UUID | None


async def viewer_for_request(token: str | None) -> tuple[Any, str | None, PendingToken | None]:
    """(viewer, error message, pending token) for an HTTP request's token (see the module)."""
    if not token or is_personal_access_token(token):
        return (*await resolve_viewer(token), None)
    try:
        claims = decode_access_token(token)
        session_id = session_of(claims)
        user_id = int(claims["sub"])
    except TokenError as exc:
        return AnonymousUser(), str(exc), None
    except ValueError:
        return AnonymousUser(), "User not found", None
    pending = PendingToken(claims, user_id, claims["ver"], session_id)
    return User(pk=user_id), None, pending


def settle_viewer_sync(context: Any) -> None:
    """Asks whether a pending token stands (one query): the viewer becomes its user, or anonymous
    with the reason in `auth_error`. Nothing to do without a pending token."""
    pending = context.pending_token
    if pending is None:
        return
    try:
        context.user = user_for_claims(pending.claims)
    except TokenError as exc:
        context.user, context.auth_error = AnonymousUser(), str(exc)
    context.pending_token = None


async def settle_viewer(context: Any) -> None:
    if getattr(context, "pending_token", None) is not None:
        await sync_to_async(settle_viewer_sync)(context)


# Operations that must work with a stale header: a client renewing its session typically still
# sends the expired access token it is replacing (django-graphql-jwt's JWT_ALLOW_ANY_CLASSES).
# The same for the mutations an emailed link leads to: their token is the proof, not the header.
TOKEN_FIELDS = frozenset(
    {
        "tokenAuth",
        "refreshToken",
        "verifyToken",
        "revokeToken",
        "register",
        "verifyEmail",
        "requestPasswordReset",
        "resetPassword",
        "confirmEmailChange",
    }
)


def _root_field_names(execution_context) -> set[str] | None:
    """Names of the operation's root fields; None when they cannot be read off (fragments)."""
    document = execution_context.graphql_document
    if document is None:
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    name = execution_context.operation_name
    operation = next(
        (op for op in operations if name is None or (op.name and op.name.value == name)), None
    )
    if operation is None:
        return None
    names = set()
    for selection in operation.selection_set.selections:
        if not isinstance(selection, FieldNode):
            return None
        names.add(selection.name.value)
    return names - {"__typename"}


def check_viewer(execution_context) -> None:
    """Refuses the operation if its `Authorization` header failed, unless it only handles
    tokens."""
    error = getattr(execution_context.context, "auth_error", None)
    if error:
        fields = _root_field_names(execution_context)
        if fields is None or not fields or not fields <= TOKEN_FIELDS:
            raise unauthenticated(error)


def token_left_to_read(execution_context) -> bool:
    """Whether a pending token is left to the compiled read of a query operation, which asks
    about it in its own statement (or, when it cannot answer alone, before it runs)."""
    return compiled_reads_enabled() and execution_context.operation_type is OperationType.QUERY


class AuthenticationExtension(SchemaExtension):
    """Refuses an operation whose `Authorization` header failed, unless it only handles tokens;
    asks whether a pending token stands, or leaves that to a compiled read (see the module)."""

    left_to_read = False

    async def on_operation(self):
        context = self.execution_context.context
        try:
            yield
        except GraphQLError:
            # Refused after this check and before the read that was to ask about the token:
            # a refused token comes first, as when it is asked at once.
            if self.left_to_read and getattr(context, "pending_token", None) is not None:
                await settle_viewer(context)
                check_viewer(self.execution_context)
            raise
        # Not run (a document that does not parse or validate): the log still names the viewer.
        await settle_viewer(context)

    async def on_execute(self):
        context = self.execution_context.context
        if getattr(context, "pending_token", None) is not None:
            if token_left_to_read(self.execution_context):
                self.left_to_read = True
            else:
                await settle_viewer(context)
        check_viewer(self.execution_context)
        yield


def require_user(info):
    """The logged-in viewer, or a top-level UNAUTHENTICATED error."""
    user = info.context.user
    if not user.is_authenticated:
        raise unauthenticated()
    return user
