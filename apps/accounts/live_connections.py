"""Open WebSocket connections end when the credential they were opened with stops working.

A WebSocket authenticates once, at `connection_init`; revoking its session or token afterwards
must not leave it open and hearing events. So every revocation path calls
`end_live_connections`, which, after the transaction commits, sends one message to the reader's
channel-layer group `user.<id>` (the group their events already travel in: with Redis, every
daphne process hears it). Each authenticated connection is in that group from the moment it is
acknowledged (schema/ws.py), and closes itself when the message names its credential: close
code 4403 (`Forbidden`, as graphql-transport-ws refuses authentication) with a `CloseReason`,
in both protocols.

- `session_id`: the sockets opened with an access token of that session (`revokeSession`,
  `revokeToken`, a reused refresh token, the admin);
- `token_id`: the sockets opened with that personal access token (`revokePersonalAccessToken`,
  the admin);
- neither: every socket of the reader (`deleteAccount`; an operator suspending an account), or,
  with `personal_access_tokens=False`, every socket opened with an access token
  (`logoutAll`, password change and reset: personal access tokens survive those).

A connection also closes, with `CloseReason.EXPIRED`, when its token expires (schema/ws.py).
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from apps.core.events import publish, user_group

CLOSE_CODE = 4403  # graphql-transport-ws's "Forbidden"; the legacy protocol uses it too here


class CloseReason(StrEnum):
    """The close reason a client sees with 4403 (the README lists them, and what to do)."""

    SESSION_REVOKED = "Forbidden: session revoked"
    ALL_SESSIONS_REVOKED = "Forbidden: all sessions revoked"
    PAT_REVOKED = "Forbidden: personal access token revoked"
    ACCOUNT_DELETED = "Forbidden: account deleted"
    ACCOUNT_SUSPENDED = "Forbidden: account suspended"
    ACCESS_REVOKED = "Forbidden: access revoked"
    EXPIRED = "Forbidden: token expired"


# The event published to `user.<id>`; the WebSocket consumer acts on it itself (no subscription
# ever sees it).
CONNECTIONS_ENDED = "connections_ended"


@dataclass(frozen=True)
class Credential:
    """What a connection was authenticated with: whose it is, the access token's session (None
    for a personal access token, or an access token issued before sessions existed), the
    personal access token's id, and when it stops working (None: never)."""

    user_id: int
    session_id: uuid.UUID | None = None
    token_id: int | None = None
    expires_at: datetime | None = None

    def is_ended_by(self, message: dict) -> bool:
        """Whether a `CONNECTIONS_ENDED` message names this credential."""
        if message.get("user_id") != self.user_id:
            return False
        if message.get("session_id") is not None:
            return self.session_id is not None and str(self.session_id) == message["session_id"]
        if message.get("token_id") is not None:
            return self.token_id == message["token_id"]
        return self.token_id is None or bool(message.get("personal_access_tokens", True))


def end_live_connections(
    user_id: int,
    *,
    session_id: uuid.UUID | str | None = None,
    token_id: int | None = None,
    personal_access_tokens: bool = True,
    reason: str | None = None,
) -> None:
    """Close, in every server process, the open WebSockets of user `user_id` — those of one
    session, of one personal access token, or all of them (`personal_access_tokens=False`:
    all but those opened with a personal access token) — with code 4403 and `reason`.

    Sent after the current transaction commits (at once outside one), so a rolled-back
    revocation closes nothing; call it where the credential stops working in the database.
    Best effort, like every live event: with the channel layer unreachable the message is lost
    (logged), and a socket then lives until its token expires.
    """
    if reason is None:
        if session_id is not None:
            reason = CloseReason.SESSION_REVOKED
        elif token_id is not None:
            reason = CloseReason.PAT_REVOKED
        elif personal_access_tokens:
            reason = CloseReason.ACCESS_REVOKED
        else:
            reason = CloseReason.ALL_SESSIONS_REVOKED
    publish(
        user_group(user_id),
        CONNECTIONS_ENDED,
        {
            "user_id": user_id,
            "session_id": str(session_id) if session_id is not None else None,
            "token_id": token_id,
            "personal_access_tokens": personal_access_tokens,
            "reason": str(reason),
        },
    )
