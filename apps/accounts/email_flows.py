"""Account flows that go through the reader's mailbox: verifying the address, resetting a
forgotten password, changing the address.

Each sends an email whose link (`{frontend_url}/<action>?token=<token>`, apps/accounts/emails.py)
opens the client app, which hands the token back to the matching mutation. Tokens are stored
hashed, work once and expire (apps/accounts/email_tokens.py).

What an unverified account may do: everything, except receive other email (notification emails
wait for verification) and change its address (`change_email`: the notice goes to the current
address, which must be known to reach the reader). A password reset is still mailed to an
unverified address — it was asked for by whoever typed the address, and is the only way back
into a forgotten account — and, as it proves the mailbox, verifies the address.
"""

from dataclasses import replace
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.timesince import timeuntil

from apps.accounts import email_tokens, emails
from apps.accounts.models import EmailToken, EmailTokenPurpose, User
from apps.accounts.services import _check_password, _clean_email, register
from apps.accounts.tokens import revoke_all_tokens
from apps.core.errors import Conflict, ErrorCode, Invalid, NotAllowed, ServiceError
from apps.core.validation import clean_text

Purpose = EmailTokenPurpose


def _lifetime(seconds: int) -> str:
    """ "1 hour", "3 days": how long a link works, for the email's text."""
    now = timezone.now()
    return timeuntil(now + timedelta(seconds=seconds), now).replace("\xa0", " ")


def _send(kind: str, user: User, to: str, frontend_url: str, token: str | None, **context):
    lifetime = context.pop("lifetime", None)
    message = emails.compose(
        kind,
        to,
        {
            "username": user.username,
            "email": to,
            "link": emails.link(frontend_url, kind, token) if token else "",
            "lifetime": _lifetime(lifetime) if lifetime else "",
            **context,
        },
    )
    return message


# --- verifying the address -----------------------------------------------------------------


def send_verification(user: User, *, frontend_url: str) -> None:
    """Mail `user` a link verifying their current address (after the transaction commits)."""
    lifetime = settings.EMAIL_VERIFICATION_TIMEOUT
    token = email_tokens.issue(user, Purpose.VERIFY_EMAIL, user.email, lifetime)
    message = _send("verify_email", user, user.email, frontend_url, token, lifetime=lifetime)
    emails.send_after_commit(message, kind="verify_email", user_id=user.pk)


def register_and_verify(username: str, email: str, password: str, *, frontend_url: str) -> User:
    """`register`, then a verification email to the new account (none if it is rolled back)."""
    with transaction.atomic():
        user = register(username, email, password)
        send_verification(user, frontend_url=frontend_url)
    return user


def request_email_verification(user: User, *, frontend_url: str) -> None:
    """A fresh verification link for the viewer; CONFLICT when the address is verified."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.email_verified:
            raise Conflict("Your email address is already verified.")
        send_verification(user, frontend_url=frontend_url)


def verify_email(raw_token: str) -> User:
    """Mark the address the token was sent to as verified (still the account's address)."""
    with transaction.atomic():
        user = email_tokens.spend(raw_token, Purpose.VERIFY_EMAIL).user
        if not user.email_verified:
            user.email_verified_at = timezone.now()
            user.save(update_fields=["email_verified_at"])
    return user


# --- resetting the password ----------------------------------------------------------------


def request_password_reset(email: str, *, frontend_url: str) -> None:
    """Mail a reset link to the active account with this address (any case), if there is one.

    The answer, and the work done for it (a token, its digest, both parts of the email), are
    the same whether or not there is such an account; only the row and the sending differ.
    """
    address = clean_text(email, field="email", max_length=254, required=True)
    try:
        validate_email(address)
    except ValidationError:
        raise Invalid("Enter a valid email address.", field="email") from None
    user = User.objects.filter(email__iexact=address, is_active=True).first()
    recipient = user or User(username="reader", email=address)
    raw_and_hash = email_tokens.new_token()
    email_tokens.password_marker(recipient)
    lifetime = settings.PASSWORD_RESET_TIMEOUT
    message = _send(
        "reset_password",
        recipient,
        recipient.email,
        frontend_url,
        raw_and_hash[0],
        lifetime=lifetime,
    )
    if user is None:
        return
    with transaction.atomic():
        email_tokens.issue(user, Purpose.RESET_PASSWORD, user.email, lifetime, raw_and_hash)
        emails.send_after_commit(message, kind="reset_password", user_id=user.pk)


def reset_password(raw_token: str, new_password: str) -> User:
    """Set the password a reset link was sent for, and log out every session (the caller
    starts a new one). The link proves the mailbox, so the address counts as verified."""
    with transaction.atomic():
        user = email_tokens.spend(raw_token, Purpose.RESET_PASSWORD).user
        _check_password(new_password or "", user, field="new_password")
        user.set_password(new_password)
        update = ["password"]
        if not user.email_verified:
            user.email_verified_at = timezone.now()
            update.append("email_verified_at")
        user.save(update_fields=update)
        revoke_all_tokens(user)
    return user


# --- changing the address ------------------------------------------------------------------


def change_email(user: User, new_email: str, password: str, *, frontend_url: str) -> None:
    """Ask to move the account to `new_email`: a confirmation link goes there and a notice to
    the current address. Nothing changes until `confirm_email_change`; a newer request
    replaces an unconfirmed one."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.email_verified:
            raise NotAllowed("Verify your current email address first.")
        if not user.check_password(password or ""):
            raise Invalid(
                "Your password is not correct.",
                field="password",
                code=ErrorCode.INVALID_CREDENTIALS,
            )
        try:
            address = _clean_email(new_email, user=user)
        except ServiceError as exc:  # `_clean_email` names its field "email"
            raise ServiceError.of([replace(e, field="new_email") for e in exc.errors]) from None
        if address.casefold() == user.email.casefold():
            raise Invalid("This is already your email address.", field="new_email")
        EmailToken.objects.filter(
            user=user, purpose=Purpose.CHANGE_EMAIL, used_at__isnull=True
        ).delete()
        lifetime = settings.EMAIL_VERIFICATION_TIMEOUT
        token = email_tokens.issue(user, Purpose.CHANGE_EMAIL, address, lifetime)
        confirm = _send(
            "confirm_email_change", user, address, frontend_url, token, lifetime=lifetime
        )
        notice = _send(
            "email_change_notice", user, user.email, frontend_url, None, new_email=address
        )
        emails.send_after_commit(confirm, kind="confirm_email_change", user_id=user.pk)
        emails.send_after_commit(notice, kind="email_change_notice", user_id=user.pk)


def confirm_email_change(raw_token: str) -> User:
    """Move the account to the address the token was sent to, now verified. CONFLICT when
    another account took that address in the meantime."""
    try:
        with transaction.atomic():
            token = email_tokens.spend(raw_token, Purpose.CHANGE_EMAIL)
            user = token.user
            taken = User.objects.filter(email__iexact=token.email).exclude(pk=user.pk).exists()
            if taken:
                raise Conflict("An account with this email address already exists.")
            user.email = token.email
            user.email_verified_at = timezone.now()
            user.save(update_fields=["email", "email_verified_at"])
    except IntegrityError:
        raise Conflict("An account with this email address already exists.") from None
    return user
