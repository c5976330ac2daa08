"""Personal access tokens: `createPersonalAccessToken`, `revokePersonalAccessToken`.

Both need a logged-in session: a personal access token can neither make nor revoke tokens
(schema/token_scopes.py).
"""

from typing import Annotated

import strawberry
from strawberry import relay

from apps.accounts.models import TokenScope
from apps.accounts.personal_tokens import (
    create_personal_access_token,
    revoke_personal_access_token,
)
from apps.core.errors import NotFound
from schema.accounts.personal_tokens import PersonalAccessTokenType, TokenScopeEnum
from schema.auth import require_user
from schema.context import Info
from schema.errors import MutationError, Outcome, decode_id, errors_of, run


@strawberry.input(description="A new personal access token.")
class CreatePersonalAccessTokenInput:
    name: str = strawberry.field(
        description="What it is for, to recognise it later (1 to 100 characters)."
    )
    scopes: list[TokenScopeEnum] = strawberry.field(description="What it may do (at least one).")
    expires_in_days: int | None = strawberry.field(
        default=None,
        description="Days until it stops working, 1 to 365; omit it for a token that never "
        "expires (revoke it when it is no longer needed).",
    )


@strawberry.type(description="The new token: its secret, shown this once, and its details.")
class CreatePersonalAccessTokenPayload:
    token: str | None = strawberry.field(
        description="The secret (`bn_pat_…`): send it as `Authorization: Bearer <token>`, or "
        'as `{"authToken": "<token>"}` in a WebSocket\'s `connection_init`. Only its hash is '
        "kept: it cannot be shown again. Null on errors."
    )
    personal_access_token: PersonalAccessTokenType | None = strawberry.field(
        description="The token's details; null on errors."
    )
    errors: list[MutationError] = strawberry.field(
        description="`REQUIRED` or `INVALID` on `name`; `INVALID` on `scopes` (none) or "
        "`expiresInDays` (out of range); `INVALID` on `name` when the reader has 50 tokens."
    )


@strawberry.type(description="The revoked token: it no longer works.")
class RevokePersonalAccessTokenPayload:
    id: relay.GlobalID | None = strawberry.field(
        description="The revoked token's id; null on errors."
    )
    errors: list[MutationError] = strawberry.field(
        description="`NOT_FOUND` on `id`: no such token of the viewer's, or already revoked."
    )


@strawberry.type
class PersonalTokensMutation:
    @strawberry.mutation(
        description="Create a personal access token for a script, an integration or a reading "
        "device. Requires a logged-in session (not a personal access token)."
    )
    async def create_personal_access_token(
        self,
        info: Info,
        input: Annotated[
            CreatePersonalAccessTokenInput, strawberry.argument(description="The token.")
        ],
    ) -> CreatePersonalAccessTokenPayload:
        user = require_user(info)
        scopes = [TokenScope(scope).value for scope in input.scopes]
        outcome = await run(
            create_personal_access_token, user, input.name, scopes, input.expires_in_days
        )
        if not outcome.ok:
            return CreatePersonalAccessTokenPayload(
                token=None, personal_access_token=None, errors=outcome.errors
            )
        row, secret = outcome.value
        return CreatePersonalAccessTokenPayload(token=secret, personal_access_token=row, errors=[])

    @strawberry.mutation(
        description="Revoke one of the viewer's personal access tokens: it stops working at "
        "once. Requires a logged-in session (not a personal access token)."
    )
    async def revoke_personal_access_token(
        self,
        info: Info,
        id: Annotated[
            relay.GlobalID, strawberry.argument(description="The PersonalAccessToken's id.")
        ],
    ) -> RevokePersonalAccessTokenPayload:
        user = require_user(info)
        try:
            pk = decode_id(id, "PersonalAccessToken", field="id")
        except NotFound as exc:
            outcome = Outcome(errors=errors_of(exc))
        else:
            outcome = await run(revoke_personal_access_token, user, pk)
        if not outcome.ok:
            return RevokePersonalAccessTokenPayload(id=None, errors=outcome.errors)
        return RevokePersonalAccessTokenPayload(id=id, errors=[])
