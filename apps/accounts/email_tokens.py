"""The tokens of emailed links: issued at random, stored as their SHA-256, spent once.

A token is refused (code INVALID_TOKEN, field `token`) when it is unknown (mistyped, forged, or
meant for another purpose), already used, expired, or overtaken: sent to an address the
account no longer has, or — for password resets and changes of address — issued before the
password last changed.
"""

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from apps.accounts.models import EmailToken, EmailTokenPurpose, User
from apps.core.errors import ErrorCode, Invalid

# Purposes whose tokens die when the password changes: an attacker who started them with a
# stolen password loses them when the owner sets a new one.
PASSWORD_BOUND = {EmailTokenPurpose.RESET_PASSWORD, EmailTokenPurpose.CHANGE_EMAIL}


def token_error(message: str) -> Invalid:
    return Invalid(message, field="token", code=ErrorCode.INVALID_TOKEN)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh token (what the link carries) and its digest (what is stored)."""
    raw = secrets.token_urlsafe(32)
    return raw, hash_token(raw)


def password_marker(user: User) -> str:
    """A digest of the user's password hash: it changes whenever the password does."""
    return salted_hmac("booknest.email-token", user.password or "", algorithm="sha256").hexdigest()


def issue(user: User, purpose: str, email: str, lifetime: int, raw_and_hash=None) -> str:
    """Store a token for `purpose`, sent to `email`, good for `lifetime` seconds; returns it."""
    raw, digest = raw_and_hash or new_token()
    now = timezone.now()
    EmailToken.objects.create(
        user=user,
        purpose=purpose,
        token_hash=digest,
        email=email,
        password_marker=password_marker(user) if purpose in PASSWORD_BOUND else "",
        created_at=now,
        expires_at=now + timedelta(seconds=lifetime),
    )
    return raw


def spend(raw: str, purpose: str) -> EmailToken:
    """Lock and use up the token `raw` of `purpose` (call inside a transaction); raises the
    reason it cannot be used. The token's user comes with it, locked too."""
    raw = raw or ""
    if not raw or "\x00" in raw or len(raw) > 200:
        raise token_error("This link is not valid.")
    token = (
        EmailToken.objects.select_for_update()
        .select_related("user")
        .filter(token_hash=hash_token(raw), purpose=purpose)
        .first()
    )
    if token is None:
        raise token_error("This link is not valid.")
    now = timezone.now()
    if token.used_at is not None:
        raise token_error("This link was already used.")
    if token.expires_at <= now:
        raise token_error("This link has expired: ask for a new one.")
    user = User.objects.select_for_update().get(pk=token.user_id)
    if not user.is_active or _overtaken(token, user):
        raise token_error("This link is no longer valid: ask for a new one.")
    token.used_at = now
    token.save(update_fields=["used_at"])
    token.user = user
    return token


def _overtaken(token: EmailToken, user: User) -> bool:
    if token.purpose in PASSWORD_BOUND and not constant_time_compare(
        token.password_marker, password_marker(user)
    ):
        return True
    if token.purpose == EmailTokenPurpose.CHANGE_EMAIL:
        return False  # sent to the new address, which the account does not have yet
    return token.email.casefold() != user.email.casefold()
