"""Tokens, with the surface of django-graphql-jwt so its clients work unchanged.

`tokenAuth` logs in, `verifyToken` checks an access token, `refreshToken` trades a refresh
token for a new pair (rotation: the old one stops working), `revokeToken` ends one session
(its access tokens too) and `logoutAll` every session of the viewer. Refused credentials or tokens are top-level errors
with code `UNAUTHENTICATED` — authentication failures, not a payload's expected errors.
"""

from typing import Annotated

import strawberry
from asgiref.sync import sync_to_async
from django.http import HttpResponseBase
from django.utils import timezone
from graphql import GraphQLError

from apps.accounts import throttle, tokens
from apps.accounts.services import BAD_CREDENTIALS, TokenPair, authenticate_login, issue_tokens
from apps.core.errors import ErrorCode, ServiceError
from schema.accounts.types import UserType
from schema.auth import require_user, unauthenticated
from schema.context import Info

JSON = strawberry.scalars.JSON


def user_agent(info: Info) -> str:
    """The client's User-Agent, remembered with its refresh tokens to name sessions."""
    headers = getattr(info.context.request, "headers", None) or {}
    return str(headers.get("User-Agent") or headers.get("user-agent") or "")


def log_in(info: Info, user, pair: TokenPair | None = None) -> None:
    """The rest of this operation sees `user` as the viewer (as django-graphql-jwt does), so
    the payload can show what only the user may read, such as their email address (and, with
    the new `pair`, which of the user's sessions is this one)."""
    if pair is not None:
        user.session_id = tokens.session_of(pair.payload)
    info.context.user = user


def throttled(info: Info, exc: throttle.Throttled) -> GraphQLError:
    """A refused login or refresh (too many attempts): a top-level `RATE_LIMITED` error with
    the time to wait; over HTTP a 429 with `Retry-After`."""
    response = info.context.response
    if isinstance(response, HttpResponseBase):
        response.status_code = 429
        response["Retry-After"] = str(exc.retry_after)
    return GraphQLError(
        str(exc),
        extensions={"code": "RATE_LIMITED", "resetAt": exc.reset_at, "retryAfter": exc.retry_after},
    )


def expires_in(pair: TokenPair) -> int:
    return int(pair.refresh_expires_at.timestamp())


@strawberry.type(description="A logged-in session: the tokens and who they are for.")
class TokenAuthPayload:
    token: str = strawberry.field(
        description="JWT access token: send it as `Authorization: Bearer <token>` (or `JWT "
        "<token>`). Short-lived (15 minutes unless configured)."
    )
    refresh_token: str = strawberry.field(
        description="Opaque refresh token for `refreshToken`; works once (rotated on use)."
    )
    payload: JSON = strawberry.field(
        description="The access token's claims: `sub` (user id), `username`, `exp`, `iat`, …"
    )
    refresh_expires_in: int = strawberry.field(
        description="When the refresh token expires, as a Unix timestamp (seconds)."
    )
    user: UserType = strawberry.field(description="The logged-in user.")


@strawberry.type(description="The claims of a valid access token.")
class VerifyTokenPayload:
    payload: JSON = strawberry.field(description="The token's claims.")


@strawberry.type(description="A new token pair; the refresh token that was spent is dead.")
class RefreshTokenPayload:
    token: str = strawberry.field(description="A new JWT access token.")
    refresh_token: str = strawberry.field(description="The successor refresh token.")
    payload: JSON = strawberry.field(description="The new access token's claims.")
    refresh_expires_in: int = strawberry.field(
        description="When the new refresh token expires, as a Unix timestamp (seconds)."
    )


@strawberry.type(description="The session of a refresh token has ended.")
class RevokeTokenPayload:
    revoked: int = strawberry.field(description="When it was revoked, as a Unix timestamp.")


@strawberry.type(description="Every session of the viewer has ended.")
class LogoutAllPayload:
    ok: bool = strawberry.field(description="Always true.")


def suspended(message: str) -> GraphQLError:
    """A moderator suspended the account: a top-level error with its own code."""
    return GraphQLError(message, extensions={"code": ErrorCode.ACCOUNT_SUSPENDED.value})


@strawberry.type
class AuthMutation:
    @strawberry.mutation(
        description="Log in with a username or email address (any case) and a password. "
        'Wrong credentials: a top-level `UNAUTHENTICATED` error "Please enter valid credentials". '
        "Repeated failures (per account and per client IP) slow the answers down, then are "
        "refused for a while: a top-level `RATE_LIMITED` error with `extensions.retryAfter`. "
        "A suspended account (right password): a top-level `ACCOUNT_SUSPENDED` error."
    )
    async def token_auth(
        self,
        info: Info,
        username: Annotated[str, strawberry.argument(description="Username or email address.")],
        password: Annotated[str, strawberry.argument(description="The account's password.")],
    ) -> TokenAuthPayload:
        try:
            attempt = await throttle.attempt("login", info.context.client_ip, username)
        except throttle.Throttled as exc:
            raise throttled(info, exc) from None
        try:
            user = await sync_to_async(authenticate_login)(username, password)
        except ServiceError as exc:
            if exc.errors[0].code == ErrorCode.ACCOUNT_SUSPENDED:
                raise suspended(exc.errors[0].message) from None
            raise unauthenticated(BAD_CREDENTIALS) from None
        await attempt.succeeded()
        pair = await sync_to_async(issue_tokens)(
            user, user_agent=user_agent(info), ip_address=info.context.client_ip
        )
        log_in(info, user, pair)
        return TokenAuthPayload(
            token=pair.token,
            refresh_token=pair.refresh_token,
            payload=pair.payload,
            refresh_expires_in=expires_in(pair),
            user=user,
        )

    @strawberry.mutation(
        description="Check an access token: its claims if it is valid now (signature, expiry, "
        "user active, not revoked), else a top-level `UNAUTHENTICATED` error."
    )
    async def verify_token(
        self, token: Annotated[str, strawberry.argument(description="A JWT access token.")]
    ) -> VerifyTokenPayload:
        try:
            await sync_to_async(tokens.user_for_access_token)(token)
            payload = tokens.decode_access_token(token)
        except tokens.TokenError as exc:
            raise unauthenticated(str(exc)) from None
        return VerifyTokenPayload(payload=payload)

    @strawberry.mutation(
        description="Trade a refresh token for a new access token and a new refresh token. "
        "The one given stops working; presenting it again later revokes the whole session. "
        "Invalid, expired, revoked or reused: a top-level `UNAUTHENTICATED` error; many of "
        "those from one client IP: a top-level `RATE_LIMITED` error for a while; the account "
        "suspended: a top-level `ACCOUNT_SUSPENDED` error."
    )
    async def refresh_token(
        self,
        info: Info,
        refresh_token: Annotated[
            str, strawberry.argument(description="The current refresh token.")
        ],
    ) -> RefreshTokenPayload:
        try:
            attempt = await throttle.attempt("refresh", info.context.client_ip)
        except throttle.Throttled as exc:
            raise throttled(info, exc) from None
        try:
            user, successor = await sync_to_async(tokens.rotate_refresh_token)(
                refresh_token, user_agent=user_agent(info)
            )
        except tokens.AccountSuspended as exc:
            raise suspended(str(exc)) from None
        except tokens.TokenError as exc:
            raise unauthenticated(str(exc)) from None
        await attempt.succeeded()
        token, payload = tokens.create_access_token(user, successor.session_id)
        return RefreshTokenPayload(
            token=token,
            refresh_token=successor.token,
            payload=payload,
            refresh_expires_in=int(successor.expires_at.timestamp()),
        )

    @strawberry.mutation(
        description="Log out one session: its refresh token and the access tokens issued to "
        "the session stop working at once. Unknown or already spent: a top-level "
        "`UNAUTHENTICATED` error."
    )
    async def revoke_token(
        self,
        refresh_token: Annotated[
            str, strawberry.argument(description="The session's refresh token.")
        ],
    ) -> RevokeTokenPayload:
        if not await sync_to_async(tokens.revoke_refresh_token)(refresh_token):
            raise unauthenticated("Invalid refresh token")
        return RevokeTokenPayload(revoked=int(timezone.now().timestamp()))

    @strawberry.mutation(
        description="Log out everywhere: every access and refresh token of the viewer stops "
        "working at once, this request's included. Requires login."
    )
    async def logout_all(self, info: Info) -> LogoutAllPayload:
        user = require_user(info)
        await sync_to_async(tokens.revoke_all_tokens)(user)
        return LogoutAllPayload(ok=True)
