"""Blocking and muting readers."""

from typing import Annotated

import strawberry
from strawberry import relay

from apps.social.blocks import block_user, mute_user, unblock_user, unmute_user
from schema.accounts.types import UserType
from schema.auth import require_user
from schema.context import Info
from schema.errors import MutationError, decode_id, run

UserId = Annotated[relay.GlobalID, strawberry.argument(description="Global id of the User.")]


@strawberry.type(description="The reader blocked, unblocked, muted or unmuted, or why not.")
class UserSafetyPayload:
    user: UserType | None = strawberry.field(description="The other reader; null on errors.")
    errors: list[MutationError] = strawberry.field(
        description="`NOT_FOUND` (no such user) or `INVALID` (yourself) on `userId`."
    )


def _call(service, user, user_id: relay.GlobalID):
    return service(user, decode_id(user_id, "User", field="userId"))


async def _run(info: Info, service, user_id: relay.GlobalID) -> UserSafetyPayload:
    outcome = await run(_call, service, require_user(info), user_id)
    return UserSafetyPayload(user=outcome.value, errors=outcome.errors)


@strawberry.type
class SafetyMutation:
    @strawberry.mutation(
        description="Block a reader: follows both ways end, and from then on neither of you "
        "can follow, reserve copies from, or see the profile, reviews, lists, activity, search "
        "hits or notifications of the other (absent, as private things are). Idempotent. "
        "Requires login."
    )
    async def block_user(self, info: Info, user_id: UserId) -> UserSafetyPayload:
        return await _run(info, block_user, user_id)

    @strawberry.mutation(
        description="Lift a block (follows it ended stay ended). Idempotent. Requires login."
    )
    async def unblock_user(self, info: Info, user_id: UserId) -> UserSafetyPayload:
        return await _run(info, unblock_user, user_id)

    @strawberry.mutation(
        description="Mute a reader: their activity and reviews leave the viewer's feed and "
        "notifications. They are not told and notice nothing. Idempotent. Requires login."
    )
    async def mute_user(self, info: Info, user_id: UserId) -> UserSafetyPayload:
        return await _run(info, mute_user, user_id)

    @strawberry.mutation(description="Stop muting a reader. Idempotent. Requires login.")
    async def unmute_user(self, info: Info, user_id: UserId) -> UserSafetyPayload:
        return await _run(info, unmute_user, user_id)
