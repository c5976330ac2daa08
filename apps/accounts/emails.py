"""The account emails: composed from Django templates (a plain-text and an HTML part), sent
once the transaction that asked for them commits, by a background sender.

The sender runs beside the request, so the answer does not wait on the mail server, and
answers take the same time whether an email was sent or not (password resets must not tell
which addresses have accounts). A failing mail server is logged — the kind and the user id,
never the message, which holds the token — and the request is unaffected.
"""

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# kind → (subject, the client app's page the link opens; None: no link)
KINDS = {
    "verify_email": ("Confirm your email address", "verify-email"),
    "reset_password": ("Reset your password", "reset-password"),
    "confirm_email_change": ("Confirm your new email address", "confirm-email-change"),
    "email_change_notice": ("Your email address is being changed", None),
}

_executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="booknest-mail")
_pending: set[Future] = set()
_pending_lock = threading.Lock()


def link(frontend_url: str, kind: str, token: str) -> str:
    """`{frontend_url}/<action>?token=<token>`: the client app's page for `kind`."""
    return f"{frontend_url.rstrip('/')}/{KINDS[kind][1]}?{urlencode({'token': token})}"


def compose(kind: str, to: str, context: dict) -> EmailMultiAlternatives:
    """The email of `kind` to `to`, both parts rendered from accounts/email/<kind>.txt|html."""
    subject, _ = KINDS[kind]
    context = {"subject": subject, **context}
    text = render_to_string(f"accounts/email/{kind}.txt", context)
    html = render_to_string(f"accounts/email/{kind}.html", context)
    message = EmailMultiAlternatives(
        f"BookNest: {subject}", text, settings.DEFAULT_FROM_EMAIL, [to]
    )
    message.attach_alternative(html, "text/html")
    return message


def send_after_commit(message: EmailMultiAlternatives, *, kind: str, user_id: int) -> None:
    """Hand `message` to the background sender once the current transaction commits (at once
    outside one); a rolled-back transaction sends nothing."""

    def submit() -> None:
        future = _executor.submit(_deliver, message, kind, user_id)
        with _pending_lock:
            _pending.add(future)
        future.add_done_callback(_forget)

    transaction.on_commit(submit, robust=True)


def drain(timeout: float = 10.0) -> None:
    """Wait until the emails handed to the sender so far are sent (or failed)."""
    with _pending_lock:
        futures = set(_pending)
    wait(futures, timeout=timeout)


def _forget(future: Future) -> None:
    with _pending_lock:
        _pending.discard(future)


def _deliver(message: EmailMultiAlternatives, kind: str, user_id: int) -> None:
    try:
        message.send()
    except Exception as exc:  # smtplib.SMTPException, OSError, …: the server's problem
        logger.warning(
            "could not send the %s email to user %s: %s: %s",
            kind,
            user_id,
            type(exc).__name__,
            exc,
            extra={"event": "email_failed", "email_kind": kind, "user_id": user_id},
        )
