"""Access and refresh tokens.

Access token: a short-lived JWT (HS256 by default) with `sub`, `exp`, `iat`, `jti`, `type` and
the user's token version `ver`. Only the configured algorithm is accepted and expiry is always
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
from datetime import datetime, timedelta

import jwt
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.accounts.models import RefreshToken, User


class TokenError(Exception):
    """The token cannot authenticate anyone; the message is safe to show to the client."""


@dataclass(frozen=True)
class IssuedRefreshToken:
    token: str
    expires_at: datetime


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def access_token_payload(user: User) -> dict:
    now = timezone.now()
    return {
        "iss": settings.JWT_ISSUER,
        "sub": str(user.pk),
        "username": user.get_username(),
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=settings.JWT_ACCESS_TOKEN_LIFETIME)).timestamp()),
        "jti": uuid.uuid4().hex,
        "type": "access",
        "ver": user.token_version,
    }


def create_access_token(user: User) -> tuple[str, dict]:
    payload = access_token_payload(user)
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
    """The active user an access token stands for, if the token is still valid."""
    payload = decode_access_token(token)
    try:
        user = User.objects.get(pk=int(payload["sub"]))
    except (User.DoesNotExist, ValueError):
        raise TokenError("User not found") from None
    if not user.is_active:
        raise TokenError("User is disabled")
    if user.token_version != payload["ver"]:
        raise TokenError("Token has been revoked")
    return user


def create_refresh_token(
    user: User, *, family: uuid.UUID | None = None, user_agent: str = ""
) -> IssuedRefreshToken:
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    expires_at = now + timedelta(seconds=settings.JWT_REFRESH_TOKEN_LIFETIME)
    RefreshToken.objects.create(
        user=user,
        token_hash=_hash(raw),
        family=family or uuid.uuid4(),
        token_version=user.token_version,
        created_at=now,
        expires_at=expires_at,
        user_agent=user_agent[:300],
    )
    return IssuedRefreshToken(raw, expires_at)


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
        else:
            _check_usable(token, now)
            token.rotated_at = now
            token.save(update_fields=["rotated_at"])
            successor = create_refresh_token(token.user, family=token.family, user_agent=user_agent)
            return token.user, successor
    raise TokenError(f"Refresh token was already used; its session {reused_family} was revoked")


def _check_usable(token: RefreshToken, now: datetime) -> None:
    if token.revoked_at is not None:
        raise TokenError("Refresh token has been revoked")
    if token.expires_at <= now:
        raise TokenError("Refresh token has expired")
    if token.token_version != token.user.token_version or not token.user.is_active:
        raise TokenError("Refresh token has been revoked")


def revoke_refresh_token(raw: str) -> bool:
    """Revoke one refresh token (log out this session); False when it was not a live token."""
    updated = RefreshToken.objects.filter(
        token_hash=_hash(raw or ""), revoked_at__isnull=True, rotated_at__isnull=True
    ).update(revoked_at=timezone.now())
    return updated == 1


def revoke_all_tokens(user: User) -> None:
    """Log out everywhere: every access and refresh token of the user stops working now."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(token_version=F("token_version") + 1)
        RefreshToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    user.refresh_from_db(fields=["token_version"])
