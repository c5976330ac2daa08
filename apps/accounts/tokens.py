"""Access and refresh tokens.

Access token: a short-lived JWT (HS256 by default) with `sub`, `exp`, `iat`, `jti`, `type` and
the user's token version `ver`, and the id of the session it belongs to (`sid`: a refused
token once that session is ended, apps/accounts/sessions.py). Only the configured algorithm is accepted and expiry is always
verified, so `alg: none`, another algorithm, an expired token or a refresh token presented as an
access token are all refused.

Refresh token: an opaque random secret stored as its SHA-256. Every use rotates it; presenting
an already rotated one means it was stolen, and revokes its whole family (every token descended
from the same login). Bumping `User.token_version` revokes everything at once.
"""

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from apps.accounts.live_connections import Credential, end_live_connections
from apps.accounts.models import RefreshToken, Session, User
from apps.accounts.sessions import end_sessions, start_session, touch_session


class TokenError(Exception):
    """The token cannot authenticate anyone; the message is safe to show to the client."""


class AccountSuspended(TokenError):
    """The token's reader is suspended (apps/accounts/suspension.py)."""


@dataclass(frozen=True)
class IssuedRefreshToken:
    token: str
    expires_at: datetime
    session_id: uuid.UUID


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def access_token_payload(user: User, session_id: uuid.UUID | None = None) -> dict:
    now = timezone.now()
    payload = {
        "iss": settings.JWT_ISSUER,
        "sub": str(user.pk),
        "username": user.get_username(),
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=settings.JWT_ACCESS_TOKEN_LIFETIME)).timestamp()),
        "jti": uuid.uuid4().hex,
        "type": "access",
        "ver": user.token_version,
    }
    if session_id is not None:
        payload["sid"] = str(session_id)
    return payload


def create_access_token(user: User, session_id: uuid.UUID | None = None) -> tuple[str, dict]:
    """A signed access token; with `session_id`, it dies with that session."""
    payload = access_token_payload(user, session_id)
    token = jwt.encode(payload, settings.JWT_SECRET_KEY, algorithm=settings.JWT_ALGORITHM)
    return token, payload


def decode_access_token(token: str) -> dict:
    """The verified claims of an access token; raises TokenError for anything else."""
    try:
        payload = jwt.decode(
            token,
            settings.JWT_SECRET_KEY,
            algorithms=[settings.JWT_ALGORITHM],
            issuer=settings.JWT_ISSUER,
            options={"require": ["exp", "iat", "sub", "jti", "type", "ver"], "verify_exp": True},
        )
    except jwt.ExpiredSignatureError:
        raise TokenError("Signature has expired") from None
    except jwt.InvalidTokenError:
        raise TokenError("Error decoding signature") from None
    if payload.get("type") != "access":
        raise TokenError("Not an access token")
    return payload


def user_for_access_token(token: str) -> User:
    """The active user an access token stands for, if the token is still valid (see
    `user_for_claims`)."""
    return user_for_claims(decode_access_token(token))


def user_for_claims(payload: dict) -> User:
    """The active user of an access token's verified claims, if the token is still valid.

    The user comes with `session_id`: the session the token belongs to (None for a token
    issued without one, which only `token_version` can revoke), and `credential` (what a
    WebSocket opened with it answers to, apps/accounts/live_connections.py). One query either way.
    `token_users` is the same rule as a queryset.
    """
    session_id = _session_claim(payload)
    users = User.objects.all()
    if session_id is not None:
        live = Session.objects.filter(pk=session_id, user=OuterRef("pk"), revoked_at__isnull=True)
        users = users.annotate(session_live=Exists(live))
    try:
        user = users.get(pk=int(payload["sub"]))
    except (User.DoesNotExist, ValueError):
        raise TokenError("User not found") from None
    if not user.is_active:
        raise TokenError("User is disabled")
    if user.is_suspended:
        raise AccountSuspended("This account is suspended.")
    if user.token_version != payload["ver"]:
        raise TokenError("Token has been revoked")
    if session_id is not None and not user.session_live:
        raise TokenError("Token has been revoked")
    user.session_id = session_id
    expires_at = datetime.fromtimestamp(payload["exp"], tz=UTC)
    user.credential = Credential(user.pk, session_id=session_id, expires_at=expires_at)
    return user


def token_users(sub: Any, ver: Any, session_id: Any = None) -> QuerySet:
    """`user_for_claims` as a queryset: the user `sub` while a token with these claims is
    still valid (none when it is not). A compiled read asks it in its own statement
    (schema/compiled/run.py); tests/schema/accounts/test_token_in_the_read.py holds both to the same
    answers. `session_id`: the token's session, None for a token without one."""
    from apps.accounts.suspension import suspended_now_q

    users = User.objects.filter(pk=sub, is_active=True, token_version=ver).exclude(
        suspended_now_q()
    )
    if session_id is not None:
        live = Session.objects.filter(pk=session_id, user=OuterRef("pk"), revoked_at__isnull=True)
        users = users.filter(Exists(live))
    return users


def session_of(payload: dict) -> uuid.UUID | None:
    """The session id in an access token's claims (None: a token without one)."""
    return _session_claim(payload)


def _session_claim(payload: dict) -> uuid.UUID | None:
    if "sid" not in payload:
        return None
    try:
        return uuid.UUID(str(payload["sid"]))
    except ValueError:
        raise TokenError("Error decoding signature") from None


def create_refresh_token(
    user: User,
    *,
    family: uuid.UUID | None = None,
    user_agent: str = "",
    ip_address: str | None = None,
) -> IssuedRefreshToken:
    """A refresh token; without `family`, the first of a new session (a login)."""
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    expires_at = now + timedelta(seconds=settings.JWT_REFRESH_TOKEN_LIFETIME)
    if family is None:
        family = start_session(
            user, expires_at=expires_at, user_agent=user_agent, ip_address=ip_address
        ).pk
    RefreshToken.objects.create(
        user=user,
        token_hash=_hash(raw),
        family=family,
        token_version=user.token_version,
        created_at=now,
        expires_at=expires_at,
        user_agent=user_agent[:300],
    )
    return IssuedRefreshToken(raw, expires_at, family)


def rotate_refresh_token(raw: str, *, user_agent: str = "") -> tuple[User, IssuedRefreshToken]:
    """Spend a refresh token: returns its user and the successor token.

    Reuse of a rotated token revokes the family; that revocation is committed even though
    the call fails.
    """
    reused_family = None
    with transaction.atomic():
        token = (
            RefreshToken.objects.select_for_update()
            .select_related("user")
            .filter(token_hash=_hash(raw or ""))
            .first()
        )
        if token is None:
            raise TokenError("Invalid refresh token")
        now = timezone.now()
        if token.rotated_at is not None and token.revoked_at is None:
            reused_family = token.family
            RefreshToken.objects.filter(family=token.family, revoked_at__isnull=True).update(
                revoked_at=now
            )
            end_sessions(Q(pk=token.family))
        else:
            _check_usable(token, now)
            token.rotated_at = now
            token.save(update_fields=["rotated_at"])
            successor = create_refresh_token(token.user, family=token.family, user_agent=user_agent)
            touch_session(token.family, expires_at=successor.expires_at)
            return token.user, successor
    raise TokenError(f"Refresh token was already used; its session {reused_family} was revoked")


def _check_usable(token: RefreshToken, now: datetime) -> None:
    if token.user.is_suspended:
        raise AccountSuspended("This account is suspended.")
    if token.revoked_at is not None:
        raise TokenError("Refresh token has been revoked")
    if token.expires_at <= now:
        raise TokenError("Refresh token has expired")
    if token.token_version != token.user.token_version or not token.user.is_active:
        raise TokenError("Refresh token has been revoked")


def revoke_refresh_token(raw: str) -> bool:
    """Revoke one refresh token and end its session (its access tokens too): log out this
    session. False when it was not a live token."""
    with transaction.atomic():
        token = (
            RefreshToken.objects.select_for_update()
            .filter(token_hash=_hash(raw or ""), revoked_at__isnull=True, rotated_at__isnull=True)
            .first()
        )
        if token is None:
            return False
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        end_sessions(Q(pk=token.family))
    return True


def revoke_all_tokens(user: User) -> None:
    """Log out everywhere: every access and refresh token of the user stops working now, and
    the WebSockets opened with them close (personal access tokens are not affected)."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(token_version=F("token_version") + 1)
        RefreshToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        # One message for all of them, access tokens without a session included.
        end_sessions(Q(user=user), close_connections=False)
        end_live_connections(user.pk, personal_access_tokens=False)
    user.refresh_from_db(fields=["token_version"])
