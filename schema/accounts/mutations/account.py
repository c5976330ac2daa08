"""Signing up and changing the password: both hand back a fresh token pair."""

from typing import Annotated

import strawberry
from asgiref.sync import sync_to_async

from apps.accounts import throttle
from apps.accounts.email_flows import register_and_verify
from apps.accounts.services import change_password, issue_tokens
from apps.core.errors import ErrorCode
from schema.accounts.inputs import RegisterInput
from schema.accounts.links import frontend_url
from schema.accounts.mutations.auth import JSON, expires_in, log_in, user_agent
from schema.accounts.types import UserType
from schema.auth import require_user
from schema.context import Info
from schema.errors import MutationError, Outcome, run


async def session_payload(payload_class, info: Info, outcome):
    """A mutation that logs the viewer in: the user with a fresh token pair, or the errors."""
    if not outcome.ok:
        return payload_class(
            user=None,
            token=None,
            refresh_token=None,
            payload=None,
            refresh_expires_in=None,
            errors=outcome.errors,
        )
    pair = await sync_to_async(issue_tokens)(
        outcome.value, user_agent=user_agent(info), ip_address=info.context.client_ip
    )
    log_in(info, outcome.value, pair)
    return payload_class(
        user=outcome.value,
        token=pair.token,
        refresh_token=pair.refresh_token,
        payload=pair.payload,
        refresh_expires_in=expires_in(pair),
        errors=[],
    )


@strawberry.type(description="The new account, already logged in; or why it could not be made.")
class RegisterPayload:
    user: UserType | None = strawberry.field(description="The new user; null on errors.")
    token: str | None = strawberry.field(description="An access token for the new user.")
    refresh_token: str | None = strawberry.field(description="A refresh token for the new user.")
    payload: JSON | None = strawberry.field(description="The access token's claims.")
    refresh_expires_in: int | None = strawberry.field(
        description="When the refresh token expires, as a Unix timestamp (seconds)."
    )
    errors: list[MutationError] = strawberry.field(
        description="`CONFLICT` (username or email taken), `INVALID`, `REQUIRED`, or "
        "`PASSWORD_TOO_WEAK` (one per failed password rule), each with its field; "
        "`RATE_LIMITED` when too many sign-ups came from this client IP lately (the message "
        "says how long to wait)."
    )


@strawberry.type(description="The password changed; this session's new tokens.")
class ChangePasswordPayload:
    user: UserType | None = strawberry.field(description="The viewer; null on errors.")
    token: str | None = strawberry.field(description="A new access token for this session.")
    refresh_token: str | None = strawberry.field(description="A new refresh token.")
    payload: JSON | None = strawberry.field(description="The access token's claims.")
    refresh_expires_in: int | None = strawberry.field(
        description="When the refresh token expires, as a Unix timestamp (seconds)."
    )
    errors: list[MutationError] = strawberry.field(
        description="`INVALID_CREDENTIALS` on `oldPassword`, `PASSWORD_TOO_WEAK` or `INVALID` "
        "on `newPassword`."
    )


@strawberry.type
class AccountMutation:
    @strawberry.mutation(
        description="Create an account and log it in: the payload carries its first tokens. "
        "A link to verify the address is mailed to it (see `verifyEmail`)."
    )
    async def register(
        self,
        info: Info,
        input: Annotated[RegisterInput, strawberry.argument(description="The account.")],
    ) -> RegisterPayload:
        try:
            await throttle.attempt("register", info.context.client_ip)
        except throttle.Throttled as exc:
            error = MutationError(code=ErrorCode.RATE_LIMITED, field=None, message=str(exc))
            return await session_payload(RegisterPayload, info, Outcome(errors=[error]))
        outcome = await run(
            register_and_verify,
            input.username,
            input.email,
            input.password,
            frontend_url=frontend_url(info),
        )
        return await session_payload(RegisterPayload, info, outcome)

    @strawberry.mutation(
        description="Change the viewer's password. Every other session is logged out (all "
        "earlier access and refresh tokens stop working); this one continues with the tokens "
        "returned. Requires login."
    )
    async def change_password(
        self,
        info: Info,
        old_password: Annotated[str, strawberry.argument(description="The current password.")],
        new_password: Annotated[str, strawberry.argument(description="The new password.")],
    ) -> ChangePasswordPayload:
        user = require_user(info)
        outcome = await run(change_password, user, old_password, new_password)
        return await session_payload(ChangePasswordPayload, info, outcome)
