"""Follow lists at the root, for a client that has a username but not the user."""

from typing import Annotated

import strawberry
from django.db.models import QuerySet, Subquery

from apps.accounts.models import User
from schema.accounts.types import UserType, followers_of, following_of
from schema.context import Info
from schema.fields import connection
from schema.pagination import CursorConnection


def _user_id(username: str) -> Subquery:
    # A subquery, not a lookup: the page stays one SQL statement, and no sync query runs here.
    users = User.objects.filter(username__iexact=username.strip(), is_active=True)
    if "\x00" in username:  # PostgreSQL cannot compare text with NUL; no username has one
        users = User.objects.none()
    return Subquery(users.values("pk")[:1])


@strawberry.type
class SocialQuery:
    @connection(
        CursorConnection[UserType],
        description="Readers who follow `username`, most recent first (as `User.followers`): "
        "empty when there is no such reader or their profile is hidden from the viewer.",
    )
    def followers(
        self,
        info: Info,
        username: Annotated[str, strawberry.argument(description="Whose followers, in any case.")],
    ) -> QuerySet[User]:
        return followers_of(_user_id(username), info.context.user)

    @connection(
        CursorConnection[UserType],
        description="Readers `username` follows, most recent first (as `User.following`): "
        "empty when there is no such reader or their profile is hidden from the viewer.",
    )
    def following(
        self,
        info: Info,
        username: Annotated[str, strawberry.argument(description="Whose follows, in any case.")],
    ) -> QuerySet[User]:
        return following_of(_user_id(username), info.context.user)
