"""Editing the viewer's profile."""

from typing import Annotated

import strawberry

from apps.accounts.services import update_profile
from schema.accounts.inputs import UpdateProfileInput
from schema.accounts.types import ProfileType, UserType
from schema.auth import require_user
from schema.context import Info
from schema.errors import MutationError, decode_id, run


@strawberry.type(description="The viewer with their updated profile, or why nothing changed.")
class UpdateProfilePayload:
    user: UserType | None = strawberry.field(description="The viewer; null on errors.")
    profile: ProfileType | None = strawberry.field(description="The profile; null on errors.")
    errors: list[MutationError] = strawberry.field(
        description="`INVALID` (too long, NUL character, bad URL, bad item), `REQUIRED`, or "
        "`NOT_FOUND` (unknown genre), with the field, e.g. `website` or `interests.2.genreId`."
    )


def _update(user, input: UpdateProfileInput):
    """The service's arguments from the input (None: unchanged), genre ids decoded."""
    fields = {
        name: getattr(input, name)
        for name in ("display_name", "bio", "location", "website")
        if getattr(input, name) is not None
    }
    if input.privacy is not None:
        fields["privacy"] = input.privacy.value
    if input.interests is not None:
        fields["interests"] = [
            {
                "genre_id": None
                if item.genre_id is None
                else decode_id(item.genre_id, "Genre", field=f"interests.{i}.genreId"),
                "text": item.text,
            }
            for i, item in enumerate(input.interests)
        ]
    if input.social_links is not None:
        fields["social_links"] = [
            {"platform": link.platform.value, "url": link.url} for link in input.social_links
        ]
    return update_profile(user, **fields)


@strawberry.type
class ProfileMutation:
    @strawberry.mutation(description="Change the viewer's profile. Requires login.")
    async def update_profile(
        self,
        info: Info,
        input: Annotated[UpdateProfileInput, strawberry.argument(description="The changes.")],
    ) -> UpdateProfilePayload:
        user = require_user(info)
        outcome = await run(_update, user, input)
        if not outcome.ok:
            return UpdateProfilePayload(user=None, profile=None, errors=outcome.errors)
        return UpdateProfilePayload(user=user, profile=outcome.value, errors=[])
