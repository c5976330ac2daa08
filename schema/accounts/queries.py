"""Who is logged in, and readers by username."""

from typing import Annotated

import strawberry

from apps.accounts.models import User
from apps.social.blocking import not_blocked_q
from schema.accounts.types import UserType
from schema.compiled.forms import Root, sql
from schema.context import Info


def user_rows(username: str, viewer=None):
    """The active reader with this username, in any case; none across a block."""
    if "\x00" in username:
        return User.objects.none()
    return User.objects.filter(username__iexact=username.strip(), is_active=True).filter(
        not_blocked_q(viewer, owner="pk")
    )


@strawberry.type
class AccountsQuery:
    @sql(Root(lambda viewer: User.objects.filter(pk=viewer.pk)))
    @strawberry.field(description="The logged-in user; null for an anonymous viewer.")
    def me(self, info: Info) -> UserType | None:
        user = info.context.user
        return user if user.is_authenticated else None

    @sql(Root(lambda viewer, username: user_rows(username, viewer)))
    @strawberry.field(
        description="A reader by username (any case); null when there is no such active user "
        "or a block stands between them and the viewer."
    )
    async def user(
        self,
        info: Info,
        username: Annotated[str, strawberry.argument(description="The username, in any case.")],
    ) -> UserType | None:
        return await user_rows(username, info.context.user).afirst()
