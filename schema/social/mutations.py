"""Following and unfollowing readers."""

from typing import Annotated

import strawberry
from strawberry import relay

from apps.social.services import follow, unfollow
from schema.accounts.types import UserType
from schema.auth import require_user
from schema.context import Info
from schema.errors import MutationError, decode_id, run


@strawberry.type(description="The reader now followed, or why not.")
class FollowPayload:
    user: UserType | None = strawberry.field(description="The followed reader; null on errors.")
    errors: list[MutationError] = strawberry.field(
        description="`NOT_FOUND` (no such active user) or `INVALID` (yourself) on `userId`."
    )


@strawberry.type(description="The reader no longer followed, or why not.")
class UnfollowPayload:
    user: UserType | None = strawberry.field(description="The unfollowed reader; null on errors.")
    errors: list[MutationError] = strawberry.field(
        description="`NOT_FOUND` on `userId` when there is no such user."
    )


def _follow(user, user_id: relay.GlobalID):
    return follow(user, decode_id(user_id, "User", field="userId"))


def _unfollow(user, user_id: relay.GlobalID):
    return unfollow(user, decode_id(user_id, "User", field="userId"))


@strawberry.type
class SocialMutation:
    @strawberry.mutation(
        description="Follow a reader (any profile privacy; no request needed). Idempotent: "
        "following again changes nothing. The first follow appears in the viewer's activity "
        "and notifies the reader. Requires login."
    )
    async def follow(
        self,
        info: Info,
        user_id: Annotated[
            relay.GlobalID, strawberry.argument(description="Global id of the User.")
        ],
    ) -> FollowPayload:
        outcome = await run(_follow, require_user(info), user_id)
        return FollowPayload(user=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description="Stop following a reader. Idempotent: unfollowing someone not followed "
        "changes nothing. Requires login."
    )
    async def unfollow(
        self,
        info: Info,
        user_id: Annotated[
            relay.GlobalID, strawberry.argument(description="Global id of the User.")
        ],
    ) -> UnfollowPayload:
        outcome = await run(_unfollow, require_user(info), user_id)
        return UnfollowPayload(user=outcome.value, errors=outcome.errors)
