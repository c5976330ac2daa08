"""The `Session` type: one of the viewer's logins (`User.sessions`, `revokeSession`)."""

from datetime import datetime

import strawberry
from asgiref.sync import sync_to_async

from apps.accounts.models import Session
from apps.accounts.sessions import live_sessions
from schema.context import Info

# The most sessions `User.sessions` lists (the most recently used): a reader has a handful,
# a script that logs in on every run could have thousands.
MAX_SESSIONS_LISTED = 100


@strawberry.type(
    name="Session",
    description="A logged-in session: one login (`tokenAuth`, `register`, `resetPassword`, "
    "`changePassword`) on one device, kept alive by refreshing its tokens.",
)
class SessionType:
    id: strawberry.ID = strawberry.field(description="The session's id, for `revokeSession`.")
    created_at: datetime = strawberry.field(description="When the session logged in.")
    last_used_at: datetime = strawberry.field(
        description="When its tokens were last refreshed (the login, until the first refresh)."
    )
    user_agent: str = strawberry.field(
        description="The User-Agent of the client that logged in; empty when it sent none."
    )
    ip_address: str = strawberry.field(
        description="The network the client logged in from, never its full address: an IPv4 "
        "/24 or IPv6 /48 in CIDR form, e.g. `203.0.113.0/24`; empty when unknown."
    )
    current: bool = strawberry.field(
        description="True for the session of the access token making this request."
    )

    @classmethod
    def of(cls, session: Session, current_id) -> "SessionType":
        return cls(
            id=strawberry.ID(str(session.pk)),
            created_at=session.created_at,
            last_used_at=session.last_used_at,
            user_agent=session.user_agent,
            ip_address=session.ip_address,
            current=current_id is not None and session.pk == current_id,
        )


async def sessions_of(info: Info, user) -> list[SessionType]:
    """The user's live sessions, most recently used first (the caller checked ownership)."""
    rows = await sync_to_async(list)(live_sessions(user)[:MAX_SESSIONS_LISTED])
    current = getattr(info.context.user, "session_id", None)
    return [SessionType.of(row, current) for row in rows]
