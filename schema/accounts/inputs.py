"""Inputs of the account mutations: signing up and editing one's profile."""

import strawberry
from strawberry import relay

from schema.accounts.types import SocialPlatformEnum
from schema.enums import PrivacyEnum


@strawberry.input(description="A new account.")
class RegisterInput:
    username: str = strawberry.field(
        description="3 to 30 letters, digits, `_`, `.` or `-`; unique regardless of case."
    )
    email: str = strawberry.field(description="Email address; unique regardless of case.")
    password: str = strawberry.field(
        description="Checked by the server's password rules (length, common passwords, "
        "similarity to the username or email, not only digits)."
    )


@strawberry.input(description="An interest: a catalogue genre or a free text (exactly one).")
class InterestInput:
    genre_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Global id of a Genre."
    )
    text: str | None = strawberry.field(
        default=None, description='A free-text interest, e.g. "cosy mysteries" (≤ 100 chars).'
    )


@strawberry.input(description="A link to the reader elsewhere.")
class SocialLinkInput:
    platform: SocialPlatformEnum = strawberry.field(
        description="Which site; one link per platform, except `OTHER`."
    )
    url: str = strawberry.field(description="Full http(s) URL (≤ 300 chars).")


@strawberry.input(
    description="Changes to the viewer's profile. An omitted or null field stays as it is; "
    "an empty string clears a text. Nothing changes unless every field is valid."
)
class UpdateProfileInput:
    display_name: str | None = strawberry.field(
        default=None, description="Name shown instead of the username (≤ 100 chars)."
    )
    bio: str | None = strawberry.field(
        default=None, description="A few words about the reader (≤ 2000 chars)."
    )
    location: str | None = strawberry.field(
        default=None, description="Where the reader is (≤ 100 chars)."
    )
    website: str | None = strawberry.field(
        default=None, description="A full http(s) URL (≤ 300 chars), or empty."
    )
    privacy: PrivacyEnum | None = strawberry.field(
        default=None,
        description="Who may see the profile details, shelves, activity and follow lists.",
    )
    interests: list[InterestInput] | None = strawberry.field(
        default=None,
        description="The reader's interests, replacing the current ones (≤ 50; repeats are "
        "dropped). An empty list removes them all.",
    )
    social_links: list[SocialLinkInput] | None = strawberry.field(
        default=None,
        description="Links elsewhere, in display order, replacing the current ones (≤ 20).",
    )
