"""Ending one of the viewer's sessions (listed by `User.sessions`)."""

from typing import Annotated

import strawberry

from apps.accounts.sessions import revoke_session
from schema.auth import require_user
from schema.context import Info
from schema.errors import MutationError, run


@strawberry.type(description="The session has ended, or why not.")
class RevokeSessionPayload:
    id: strawberry.ID | None = strawberry.field(
        description="The id of the ended session; null on errors."
    )
    errors: list[MutationError] = strawberry.field(
        description="`NOT_FOUND` on `id` when the viewer has no live session with this id."
    )


@strawberry.type
class SessionMutation:
    @strawberry.mutation(
        description="End one of the viewer's sessions now: its refresh token and every "
        "access token issued to it stop working at once (this request's own, when it is the "
        "current session). Requires login."
    )
    async def revoke_session(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="`Session.id`.")],
    ) -> RevokeSessionPayload:
        user = require_user(info)
        outcome = await run(revoke_session, user, id)
        if not outcome.ok:
            return RevokeSessionPayload(id=None, errors=outcome.errors)
        return RevokeSessionPayload(id=strawberry.ID(str(outcome.value.pk)), errors=[])
