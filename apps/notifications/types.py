"""The kinds of notification BookNest sends, by key, with their default channels.

The keys are what code passes around (`notify(user, NEW_FOLLOWER, ...)`) and what clients
switch on; the rows themselves are created by the data migration
`notifications/0002_notification_types`, which keeps its own copy of `DEFAULTS` because a
migration must not change when this module does. Add a type here *and* in a new migration.
"""

from typing import NamedTuple

NEW_FOLLOWER = "new_follower"
RESERVATION_READY = "reservation_ready"
RESERVATION_DUE_SOON = "reservation_due_soon"
RESERVATION_OVERDUE = "reservation_overdue"
RESERVATION_EXPIRED = "reservation_expired"
IMPORT_FINISHED = "import_finished"
RESERVATION_CANCELLED = "reservation_cancelled"
# Its row is created by apps/moderation's migration 0002 (the app that sends it).
REPORT_RESOLVED = "report_resolved"
LIKED = "liked"
COMMENTED = "commented"
REPLIED = "replied"
MENTIONED = "mentioned"


class TypeDefaults(NamedTuple):
    key: str
    name: str
    description: str
    default_in_app: bool
    default_email: bool


DEFAULTS: tuple[TypeDefaults, ...] = (
    TypeDefaults(NEW_FOLLOWER, "New follower", "Someone started following you.", True, False),
    TypeDefaults(
        RESERVATION_READY,
        "Reservation ready",
        "A copy you reserved is waiting for you to pick it up.",
        True,
        True,
    ),
    TypeDefaults(
        RESERVATION_DUE_SOON,
        "Loan due soon",
        "A book you borrowed is due back soon.",
        True,
        True,
    ),
    TypeDefaults(
        RESERVATION_OVERDUE,
        "Loan overdue",
        "A book you borrowed is past its due date.",
        True,
        True,
    ),
    TypeDefaults(
        RESERVATION_EXPIRED,
        "Reservation expired",
        "A copy held for you was not picked up in time and went to the next reader.",
        True,
        False,
    ),
    TypeDefaults(
        IMPORT_FINISHED,
        "Import finished",
        "Your library import has finished.",
        True,
        False,
    ),
    TypeDefaults(
        RESERVATION_CANCELLED,
        "Reservation cancelled",
        "A copy you reserved or borrowed is no longer lent: its owner left BookNest.",
        True,
        True,
    ),
    TypeDefaults(
        REPORT_RESOLVED,
        "Report resolved",
        "Moderators looked at something you reported.",
        True,
        False,
    ),
    TypeDefaults(
        LIKED, "Liked", "Someone liked your review, list, activity or comment.", True, False
    ),
    TypeDefaults(
        COMMENTED, "New comment", "Someone commented on your review or reading list.", True, False
    ),
    TypeDefaults(REPLIED, "Reply", "Someone replied to your comment.", True, False),
    TypeDefaults(
        MENTIONED,
        "Mention",
        "Someone mentioned you (@username) in a comment or review.",
        True,
        True,
    ),
)

KEYS: tuple[str, ...] = tuple(t.key for t in DEFAULTS)
