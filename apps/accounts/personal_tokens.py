"""Personal access tokens: long-lived, scoped credentials for scripts, integrations and devices.

A token is `bn_pat_` and 40 random URL-safe characters. The prefix lets secret scanners (and
people) recognise a leaked BookNest token; the secret is shown once, at creation, and stored
as its SHA-256 (a random 240-bit secret needs no slow hash). A token works until it expires or
is revoked, or the account is deleted; logging out everywhere or changing the password does not
end it (it is listed, and revoked, on its own).

Who a token stands for: `TokenViewer`, the reader with no staff flags and no permissions, and
the token's scopes (`READ`, `WRITE`), which schema/token_scopes.py checks for every operation.
`last_used_at` is written at most once per PAT_LAST_USED_INTERVAL seconds per token, so a busy
script does not turn every request into a write.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from apps.accounts.live_connections import Credential, end_live_connections
from apps.accounts.models import PersonalAccessToken, TokenScope, TokenViewer, User
from apps.accounts.tokens import TokenError
from apps.core.errors import Invalid, NotFound
from apps.core.validation import clean_text

PREFIX = "bn_pat_"
MAX_LIFETIME_DAYS = 365
MAX_TOKENS = 50


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def is_personal_access_token(raw: str | None) -> bool:
    return bool(raw) and raw.startswith(PREFIX)


def create_personal_access_token(
    user: User, name: str, scopes: list[str], expires_in_days: int | None = None
) -> tuple[PersonalAccessToken, str]:
    """(the token's row, its secret). The secret is never stored: show it now or never."""
    name = clean_text(name, field="name", max_length=100, required=True)
    chosen = sorted(set(scopes or []))
    if not chosen:
        raise Invalid("Choose at least one scope.", field="scopes")
    if not set(chosen) <= set(TokenScope.values):
        raise Invalid(f"Scopes are {', '.join(TokenScope.values)}.", field="scopes")
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_LIFETIME_DAYS:
        raise Invalid(
            f"A token lasts 1 to {MAX_LIFETIME_DAYS} days (or omit it: no expiry).",
            field="expires_in_days",
        )
    if live_tokens(user).count() >= MAX_TOKENS:
        raise Invalid(
            f"You have {MAX_TOKENS} tokens: revoke one you no longer use first.", field="name"
        )
    raw = PREFIX + secrets.token_urlsafe(30)
    now = timezone.now()
    token = PersonalAccessToken.objects.create(
        user=user,
        name=name,
        token_hash=hash_token(raw),
        prefix=raw[: len(PREFIX) + 4],
        scopes=chosen,
        created_at=now,
        expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    return token, raw


def live_tokens(user: User):
    """The reader's tokens that were not revoked (expired ones included, marked by expiresAt)."""
    return PersonalAccessToken.objects.filter(user_id=user.pk, revoked_at__isnull=True)


def revoke_personal_access_token(user: User, token_id: int) -> PersonalAccessToken:
    """Revoke one of the reader's tokens; it stops working at once, and the WebSockets opened
    with it close. NOT_FOUND for anyone else's, or one already revoked."""
    token = live_tokens(user).filter(pk=token_id).first()
    if token is None:
        raise NotFound("No personal access token with this id.", field="id")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    end_live_connections(user.pk, token_id=token.pk)
    return token


def viewer_for_personal_access_token(raw: str) -> TokenViewer:
    """The reader a token stands for, as a `TokenViewer` carrying the token; TokenError when
    the token is unknown, revoked or expired, or the account is disabled."""
    token = (
        PersonalAccessToken.objects.filter(token_hash=hash_token(raw))
        .only("user_id", "scopes", "expires_at", "revoked_at", "last_used_at")
        .first()
    )
    if token is None:
        raise TokenError("Invalid personal access token")
    now = timezone.now()
    if token.revoked_at is not None:
        raise TokenError("Personal access token has been revoked")
    if token.expires_at is not None and token.expires_at <= now:
        raise TokenError("Personal access token has expired")
    viewer = TokenViewer.objects.filter(pk=token.user_id).first()
    if viewer is None or not viewer.is_active:
        raise TokenError("User is disabled")
    if viewer.is_suspended:
        raise TokenError("This account is suspended.")
    _touch(token, now)
    viewer.token = token
    viewer.credential = Credential(viewer.pk, token_id=token.pk, expires_at=token.expires_at)
    return viewer


def _touch(token: PersonalAccessToken, now) -> None:
    """Record the use, unless it was recorded less than PAT_LAST_USED_INTERVAL seconds ago."""
    interval = timedelta(seconds=settings.PAT_LAST_USED_INTERVAL)
    if token.last_used_at is not None and now - token.last_used_at < interval:
        return
    # Conditional, so concurrent requests of one token write it once.
    PersonalAccessToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - interval)
    ).update(last_used_at=now)
    token.last_used_at = now
