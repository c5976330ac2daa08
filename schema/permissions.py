"""Field-level checks. A field the viewer may not read is an error, never a silent null."""

from graphql import GraphQLError

from apps.core.errors import ErrorCode
from schema.auth import unauthenticated


def not_allowed(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": ErrorCode.NOT_ALLOWED.value})


def require_owner(info, owner_id: int, what: str) -> None:
    """Only the owner may read `what`: anonymous → UNAUTHENTICATED, others → NOT_ALLOWED."""
    user = info.context.user
    if not user.is_authenticated:
        raise unauthenticated(f"Log in to read {what}.")
    if user.pk != owner_id:
        raise not_allowed(f"Only its owner may read {what}.")


def is_librarian(user) -> bool:
    """Staff and holders of the `catalog.librarian` permission edit the catalogue."""
    return bool(user.is_authenticated and (user.is_staff or user.has_perm("catalog.librarian")))
