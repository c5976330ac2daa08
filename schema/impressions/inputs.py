"""Input objects of the impressions mutations."""

import strawberry
from strawberry import relay

from apps.core.models import Privacy
from schema.enums import DriverEnum, MoodEnum, PaceEnum, PrivacyEnum, SeverityEnum


@strawberry.input(description="A passage to keep from a book.")
class QuoteInput:
    text: str = strawberry.field(description="The words, 1 to 2,000 characters.")
    page: int | None = strawberry.field(default=None, description="Where it is, when known.")
    edition_id: relay.GlobalID | None = strawberry.field(
        default=None,
        description="The edition quoted. Accepted and not stored yet: editions are coming.",
    )
    privacy: PrivacyEnum = strawberry.field(
        default=Privacy.PUBLIC, description="Who may see it (default: everyone)."
    )
    spoiler: bool = strawberry.field(default=False, description="Whether it reveals the plot.")


@strawberry.input(description="Changes to a quote; fields left out or null stay as they are.")
class UpdateQuoteInput:
    text: str | None = strawberry.field(default=None, description="New words (not empty).")
    page: int | None = strawberry.field(default=None, description="New page.")
    privacy: PrivacyEnum | None = strawberry.field(default=None, description="Who may see it.")
    spoiler: bool | None = strawberry.field(default=None, description="Spoiler flag.")


@strawberry.input(description="A content warning, by its curated name, and how graphic.")
class ContentWarningInput:
    name: str = strawberry.field(description="A name of the curated list (any case).")
    severity: SeverityEnum = strawberry.field(description="How graphic the book is about it.")


@strawberry.input(description="How a book felt to the viewer; replaces their earlier tags.")
class BookTraitsInput:
    moods: list[MoodEnum] = strawberry.field(default_factory=list, description="Moods.")
    pace: PaceEnum | None = strawberry.field(default=None, description="Its pace.")
    plot_or_character: DriverEnum | None = strawberry.field(
        default=None, description="Plot-driven, character-driven or a mix."
    )
    content_warnings: list[ContentWarningInput] = strawberry.field(
        default_factory=list, description="Content warnings, from the curated list."
    )
