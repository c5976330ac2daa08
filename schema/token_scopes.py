"""What a personal access token may run: the one place mutations are declared token-writable.

A viewer authenticated by a personal access token (schema/auth.py) is a `TokenViewer` carrying
the token's scopes:
- queries and subscriptions need `READ`;
- a mutation needs `WRITE` *and* must be listed in `WRITE_MUTATIONS` below: the reader's own
  reading data (shelves, journal, quotes, traits, up next, ratings, reviews, lists, goals,
  library imports and exports), social actions (follows, likes, comments, notifications read)
  and lending. Every other mutation is
  refused to every token (default deny): signing in, tokens, the password, the email, the
  profile, the account and its data export, and catalogue editing. A new mutation is refused
  to tokens until it is added here (tests/schema/accounts/test_token_scopes.py lists them all).

A refusal is a top-level error `FORBIDDEN` before anything runs, its message naming the scope
needed, with `extensions.requiredScope` (`READ`/`WRITE`, or null when no token may do it).
Logged-in sessions (JWT) are not concerned.
"""

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
)
from strawberry.extensions import SchemaExtension

from apps.accounts.models import TokenScope, TokenViewer

FORBIDDEN = "FORBIDDEN"

WRITE_MUTATIONS = frozenset(
    {
        # Reading data
        "setReadingStatus",
        "removeFromShelves",
        "updateProgress",
        "rateBook",
        "removeRating",
        "createReview",
        "updateReview",
        "deleteReview",
        "createReadingList",
        "updateReadingList",
        "deleteReadingList",
        "addToReadingList",
        "removeFromReadingList",
        "moveInReadingList",
        "setReadingGoal",
        "addJournalEntry",
        "updateJournalEntry",
        "deleteJournalEntry",
        "addQuote",
        "updateQuote",
        "deleteQuote",
        "setBookTraits",
        "addToUpNext",
        "removeFromUpNext",
        "moveInUpNext",
        "importLibrary",
        "exportLibrary",
        # Social actions and the reader's notifications
        "follow",
        "unfollow",
        "like",
        "unlike",
        "addComment",
        "updateComment",
        "deleteComment",
        "markNotificationsRead",
        "blockUser",
        "unblockUser",
        "muteUser",
        "unmuteUser",
        "report",
        "updateNotificationPreferences",
        # Lending the reader's copies and reserving others'
        "addCopy",
        "withdrawCopy",
        "reserveBook",
        "cancelReservation",
        "lendCopy",
        "returnCopy",
    }
)


def forbidden(message: str, scope: str | None) -> GraphQLError:
    return GraphQLError(message, extensions={"code": FORBIDDEN, "requiredScope": scope})


def _operation(document, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((op for op in operations if op.name and op.name.value == name), None)


def root_fields(document, operation: OperationDefinitionNode) -> set[str]:
    """Every root field the operation selects, through fragments and inline fragments."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    names: set[str] = set()
    pending, seen = [operation.selection_set], set()
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FieldNode):
                names.add(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in fragments and name not in seen:
                    seen.add(name)
                    pending.append(fragments[name].selection_set)
    return names - {"__typename"}


def check_token_scopes(scopes: frozenset[str], document, operation_name: str | None) -> None:
    """Raise FORBIDDEN unless a token with `scopes` may run the operation."""
    operation = _operation(document, operation_name)
    if operation is None:
        return  # graphql-core reports the unknown operation itself; nothing runs
    if operation.operation != OperationType.MUTATION:
        if TokenScope.READ not in scopes:
            raise forbidden(
                "This personal access token lacks the READ scope, needed for queries and "
                "subscriptions.",
                "READ",
            )
        return
    fields = root_fields(document, operation)
    never = sorted(fields - WRITE_MUTATIONS)
    if never:
        raise forbidden(
            f"`{never[0]}` cannot be called with a personal access token: log in with your "
            "password to do it.",
            None,
        )
    if TokenScope.WRITE not in scopes:
        raise forbidden(
            "This personal access token lacks the WRITE scope, needed for mutations.", "WRITE"
        )


class TokenScopes(SchemaExtension):
    """Refuses an operation that the viewer's personal access token does not allow."""

    def on_execute(self):
        user = getattr(self.execution_context.context, "user", None)
        document = self.execution_context.graphql_document
        if isinstance(user, TokenViewer) and document is not None:
            check_token_scopes(user.token_scopes, document, self.execution_context.operation_name)
        yield
