"""Mutations of the email flows: verifying the address, resetting the password, changing the
address. The `token` arguments come from the links the emails carry
(`{FRONTEND_URL}/<action>?token=…`); such a token alone proves the mailbox, so those
mutations need no login. A refused token is the payload error `INVALID_TOKEN` on `token`."""

from typing import Annotated

import strawberry

from apps.accounts import email_flows, throttle
from apps.core.errors import ErrorCode
from schema.accounts.links import frontend_url
from schema.accounts.mutations.account import session_payload
from schema.accounts.mutations.auth import JSON
from schema.accounts.types import UserType
from schema.auth import require_user
from schema.context import Info
from schema.errors import MutationError, Outcome, run

LINK_ERRORS = (
    "`INVALID_TOKEN` on `token` when the link is unknown, already used, expired or overtaken "
    "(the message says which)"
)


def _rate_limited(exc: throttle.Throttled) -> Outcome:
    return Outcome(
        errors=[MutationError(code=ErrorCode.RATE_LIMITED, field=None, message=str(exc))]
    )


async def _throttle(info: Info, action: str, key: str) -> Outcome | None:
    """Count one `action` for the client IP and for `key`; the refusal as an outcome."""
    try:
        await throttle.attempt(action, info.context.client_ip, key)
    except throttle.Throttled as exc:
        return _rate_limited(exc)
    return None


@strawberry.type(description="The account whose address is now verified, or why not.")
class VerifyEmailPayload:
    user: UserType | None = strawberry.field(description="The account; null on errors.")
    errors: list[MutationError] = strawberry.field(description=f"{LINK_ERRORS}.")


@strawberry.type(description="Whether an email was sent, or why not.")
class EmailSentPayload:
    sent: bool = strawberry.field(description="True when the email is on its way.")
    errors: list[MutationError] = strawberry.field(
        description="What went wrong, with the field at fault (see the mutation)."
    )


@strawberry.type(
    description="The request was taken. The answer is the same whether or not an account "
    "has the address: it never tells who has an account."
)
class RequestPasswordResetPayload:
    ok: bool = strawberry.field(
        description="True once the request was taken (not: that an account exists)."
    )
    errors: list[MutationError] = strawberry.field(
        description="`INVALID` or `REQUIRED` on `email` (not an address), or `RATE_LIMITED` "
        "when too many resets were asked for this address or from this client IP lately."
    )


@strawberry.type(description="The new password is set; this session's new tokens.")
class ResetPasswordPayload:
    user: UserType | None = strawberry.field(description="The account; null on errors.")
    token: str | None = strawberry.field(description="An access token for a new session.")
    refresh_token: str | None = strawberry.field(description="Its refresh token.")
    payload: JSON | None = strawberry.field(description="The access token's claims.")
    refresh_expires_in: int | None = strawberry.field(
        description="When the refresh token expires, as a Unix timestamp (seconds)."
    )
    errors: list[MutationError] = strawberry.field(
        description=f"{LINK_ERRORS}; `PASSWORD_TOO_WEAK` or `INVALID` on `newPassword` (the "
        "token stays usable then)."
    )


@strawberry.type(description="The account with its new address, or why it did not change.")
class ConfirmEmailChangePayload:
    user: UserType | None = strawberry.field(description="The account; null on errors.")
    errors: list[MutationError] = strawberry.field(
        description=f"{LINK_ERRORS}; `CONFLICT` when another account took the address since."
    )


@strawberry.type
class EmailMutation:
    @strawberry.mutation(
        description="Confirm an email address with the token of the link mailed to it. The "
        "address must still be the account's."
    )
    async def verify_email(
        self,
        token: Annotated[str, strawberry.argument(description="The token of the link.")],
    ) -> VerifyEmailPayload:
        outcome = await run(email_flows.verify_email, token)
        return VerifyEmailPayload(user=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description="Mail the viewer a new verification link (earlier ones keep working "
        "until they expire). `CONFLICT` when the address is already verified; `RATE_LIMITED` "
        "after too many requests. Requires login."
    )
    async def request_email_verification(self, info: Info) -> EmailSentPayload:
        user = require_user(info)
        refused = await _throttle(info, "email_verification", f"user:{user.pk}")
        outcome = refused or await run(
            email_flows.request_email_verification, user, frontend_url=frontend_url(info)
        )
        return EmailSentPayload(sent=outcome.ok, errors=outcome.errors)

    @strawberry.mutation(
        description="Forgot the password: mail a reset link to the account with this address "
        "(any case), if there is one. The answer, and the time it takes, are the same either "
        "way. The link works once, for `PASSWORD_RESET_TIMEOUT` (1 hour unless configured)."
    )
    async def request_password_reset(
        self,
        info: Info,
        email: Annotated[str, strawberry.argument(description="The account's email address.")],
    ) -> RequestPasswordResetPayload:
        refused = await _throttle(info, "password_reset", email)
        outcome = refused or await run(
            email_flows.request_password_reset, email, frontend_url=frontend_url(info)
        )
        return RequestPasswordResetPayload(ok=outcome.ok, errors=outcome.errors)

    @strawberry.mutation(
        description="Set a new password with the token of a reset link. Every session is "
        "logged out (all earlier access and refresh tokens stop working) and a new one starts "
        "with the tokens returned. The address counts as verified from then on."
    )
    async def reset_password(
        self,
        info: Info,
        token: Annotated[str, strawberry.argument(description="The token of the link.")],
        new_password: Annotated[str, strawberry.argument(description="The new password.")],
    ) -> ResetPasswordPayload:
        outcome = await run(email_flows.reset_password, token, new_password)
        return await session_payload(ResetPasswordPayload, info, outcome)

    @strawberry.mutation(
        description="Ask to move the viewer's account to another address: a confirmation "
        "link goes to the new address (see `confirmEmailChange`) and a notice to the current "
        "one. Nothing changes until it is confirmed; a newer request replaces an unconfirmed "
        "one. Errors: `INVALID_CREDENTIALS` on `password`; `INVALID`, `REQUIRED` or "
        "`CONFLICT` (taken) on `newEmail`; `NOT_ALLOWED` while the current address is "
        "unverified; `RATE_LIMITED` after too many requests. Requires login."
    )
    async def change_email(
        self,
        info: Info,
        new_email: Annotated[str, strawberry.argument(description="The new address.")],
        password: Annotated[
            str, strawberry.argument(description="The current password, to confirm.")
        ],
    ) -> EmailSentPayload:
        user = require_user(info)
        refused = await _throttle(info, "change_email", f"user:{user.pk}")
        outcome = refused or await run(
            email_flows.change_email, user, new_email, password, frontend_url=frontend_url(info)
        )
        return EmailSentPayload(sent=outcome.ok, errors=outcome.errors)

    @strawberry.mutation(
        description="Move the account to the new address with the token of the link mailed "
        "there by `changeEmail`; the new address counts as verified."
    )
    async def confirm_email_change(
        self,
        token: Annotated[str, strawberry.argument(description="The token of the link.")],
    ) -> ConfirmEmailChangePayload:
        outcome = await run(email_flows.confirm_email_change, token)
        return ConfirmEmailChangePayload(user=outcome.value, errors=outcome.errors)
