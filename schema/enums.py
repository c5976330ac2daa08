"""GraphQL enums, made from the domain's own choices so names and values cannot drift."""

import strawberry

from apps.catalog.models import AuthorRole, BookFormat
from apps.core.models import ModerationStatus, Privacy
from apps.impressions.models import Driver, Mood, Pace, Severity
from apps.lending.models import CopyCondition, ReservationStatus
from apps.reading.models import ReadingStatus
from apps.social.models import Verb

PrivacyEnum = strawberry.enum(
    Privacy, name="Privacy", description="Who may see an item: everyone, followers, or the owner."
)
ReadingStatusEnum = strawberry.enum(
    ReadingStatus, name="ReadingStatus", description="Which shelf a book is on for a reader."
)
AuthorRoleEnum = strawberry.enum(
    AuthorRole, name="AuthorRole", description="What a contributor did for a book."
)
BookFormatEnum = strawberry.enum(
    BookFormat, name="BookFormat", description="Physical or digital form of a book."
)
CopyConditionEnum = strawberry.enum(
    CopyCondition, name="CopyCondition", description="State of a lendable copy."
)
ReservationStatusEnum = strawberry.enum(
    ReservationStatus,
    name="ReservationStatus",
    description="Where a reservation is: in the queue, ready, on loan, or ended.",
)
VerbEnum = strawberry.enum(Verb, name="ActivityVerb", description="What a reader did.")
ModerationStatusEnum = strawberry.enum(
    ModerationStatus,
    name="ModerationStatus",
    description="Whether moderators left an item up (`VISIBLE`) or hid it (`HIDDEN`): a hidden "
    "item is absent for everyone but its author.",
)
MoodEnum = strawberry.enum(Mood, name="Mood", description="How a book feels (readers' tags).")
PaceEnum = strawberry.enum(Pace, name="Pace", description="How fast a book reads.")
DriverEnum = strawberry.enum(
    Driver, name="Driver", description="Whether a book is driven by its plot or its characters."
)
SeverityEnum = strawberry.enum(
    Severity,
    name="ContentWarningSeverity",
    description="How graphic a book's treatment of a content warning is.",
)
