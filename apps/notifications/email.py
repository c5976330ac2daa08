"""Notification emails, for readers whose preference for the kind says so.

Sent through Django's email backend (`EMAIL_URL`: console by default, SMTP in production,
locmem in tests) only after the transaction that caused them commits: a rolled-back action
mails nobody. A failing mail server is logged, never turned into a failed request — the
notification itself is already stored and shown in the app.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from apps.notifications import types

logger = logging.getLogger(__name__)

# One sentence per kind, filled from the notification's `data` (and `actor`); unknown kinds and
# missing details fall back to the kind's own description.
SENTENCES = {
    types.NEW_FOLLOWER: "{actor} started following you on BookNest.",
    types.RESERVATION_READY: (
        "Your reserved copy of “{book_title}” is ready. Pick it up ({location}) before "
        "{pickup_deadline}."
    ),
    types.RESERVATION_DUE_SOON: "“{book_title}” is due back on {due_at}.",
    types.RESERVATION_OVERDUE: "“{book_title}” was due back on {due_at}. Please return it.",
    types.RESERVATION_EXPIRED: "Your reservation of “{book_title}” expired: it was not picked up.",
    types.IMPORT_FINISHED: "Your library import has finished.",
    types.REPORT_RESOLVED: "Moderators looked at your report: {outcome}.",
    types.RESERVATION_CANCELLED: (
        "Your reservation of “{book_title}” was cancelled: the copy's owner left BookNest."
    ),
    types.LIKED: "{actor} liked your {subject}.",
    types.COMMENTED: "{actor} commented on your {subject}: “{excerpt}”",
    types.REPLIED: "{actor} replied to your comment: “{excerpt}”",
    types.MENTIONED: "{actor} mentioned you in a {subject}: “{excerpt}”",
}


def compose(kind, actor, data: dict) -> tuple[str, str]:
    """(subject, body) of the email for one notification."""
    details = {**data, "actor": getattr(actor, "username", "Someone")}
    try:
        sentence = SENTENCES[kind.key].format(**details)
    except (KeyError, IndexError, ValueError):
        sentence = kind.description
    body = (
        f"{sentence}\n\n"
        "You get this email because of your BookNest notification settings; you can turn "
        f"“{kind.name}” emails off there.\n"
    )
    return f"BookNest: {kind.name}", body


def email_after_commit(recipient, kind, *, actor=None, data: dict | None = None) -> None:
    """Mail `recipient` about one notification once the caller's transaction commits.

    Not before the reader verified the address (apps/accounts/email_flows.py): until then it
    may be someone else's, who never asked for BookNest's mail."""
    if not recipient.email or recipient.email_verified_at is None:
        return
    subject, body = compose(kind, actor, data or {})
    address = recipient.email

    def send() -> None:
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        except Exception:
            logger.exception("could not email %s notification to user %s", kind.key, recipient.pk)

    transaction.on_commit(send, robust=True)
