"""Who is asking: the token in the `Authorization` header, checked once per operation.

`Authorization: Bearer <token>` and `Authorization: JWT <token>` (django-graphql-jwt's prefix)
are accepted. The token is a JWT access token, or a personal access token (`bn_pat_…`,
apps/accounts/personal_tokens.py), which makes the viewer a `TokenViewer` limited by the
token's scopes (schema/token_scopes.py); the same function serves HTTP and WebSockets. No header means an anonymous viewer. A header with a bad, expired or revoked
token fails the whole operation with a top-level `UNAUTHENTICATED` error: the client asked to
be someone and is not, so answering as anonymous would hide the problem.

The API never authenticates by cookie, so a foreign page cannot act with a visitor's session
and GraphQL over HTTP needs no CSRF token.
"""

from collections.abc import Mapping

from asgiref.sync import sync_to_async
from django.contrib.auth.models import AnonymousUser
from graphql import FieldNode, GraphQLError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension

from apps.accounts.personal_tokens import (
    is_personal_access_token,
    viewer_for_personal_access_token,
)
from apps.accounts.tokens import TokenError, user_for_access_token
from apps.core.errors import ErrorCode

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


class AuthenticationExtension(SchemaExtension):
    """Refuses an operation whose `Authorization` header failed, unless it only handles tokens."""

    def on_execute(self):
        error = getattr(self.execution_context.context, "auth_error", None)
        if error:
            fields = _root_field_names(self.execution_context)
            if fields is None or not fields or not fields <= TOKEN_FIELDS:
                raise unauthenticated(error)
        yield


def require_user(info):
    """The logged-in viewer, or a top-level UNAUTHENTICATED error."""
    user = info.context.user
    if not user.is_authenticated:
        raise unauthenticated()
    return user
