"""Who is logged in, and readers by username."""

from typing import Annotated

import strawberry

from apps.accounts.models import User
from schema.accounts.types import UserType
from schema.context import Info


@strawberry.type
class AccountsQuery:
    @strawberry.field(description="The logged-in user; null for an anonymous viewer.")
    def me(self, info: Info) -> UserType | None:
        user = info.context.user
        return user if user.is_authenticated else None

    @strawberry.field(
        description="A reader by username (any case); null when there is no such active user."
    )
    async def user(
        self,
        username: Annotated[str, strawberry.argument(description="The username, in any case.")],
    ) -> UserType | None:
        if "\x00" in username:
            return None
        return await User.objects.filter(username__iexact=username.strip(), is_active=True).afirst()
