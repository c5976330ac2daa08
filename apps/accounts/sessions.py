"""A reader's logged-in sessions: listing them and ending one.

A session starts at a login (`tokenAuth`, `register`, `resetPassword`, `changePassword`) and
lives as long as its refresh tokens can be renewed. Ending it revokes its refresh tokens and,
because every access token carries the session id (`sid`) and is checked against it on each
request, its access tokens at once; the WebSockets opened with them close
(apps/accounts/live_connections.py).
"""

import ipaddress
import uuid
from datetime import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.accounts.live_connections import end_live_connections
from apps.accounts.models import RefreshToken, Session, User
from apps.core.errors import NotFound

# How much of a client's address a session keeps: enough to tell "home" from "abroad", not
# enough to point at one household.
IPV4_PREFIX = 24
IPV6_PREFIX = 48


def truncate_ip(address: str | None) -> str:
    """The network of `address` in CIDR form (an IPv4 /24, an IPv6 /48); "" when unknown."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = IPV4_PREFIX if ip.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def start_session(
    user: User, *, expires_at: datetime, user_agent: str = "", ip_address: str | None = None
) -> Session:
    """A new session for a login (its id becomes the refresh tokens' family)."""
    now = timezone.now()
    return Session.objects.create(
        user=user,
        created_at=now,
        last_used_at=now,
        expires_at=expires_at,
        user_agent=(user_agent or "")[:300],
        ip_address=truncate_ip(ip_address),
    )


def touch_session(session_id: uuid.UUID, *, expires_at: datetime) -> None:
    """A refresh token of the session was spent: it was used now, and lives on."""
    Session.objects.filter(pk=session_id).update(last_used_at=timezone.now(), expires_at=expires_at)


def end_sessions(sessions: Q, *, close_connections: bool = True) -> None:
    """Mark the matching sessions ended (their access tokens are refused from now on) and
    close the WebSockets opened with them (`close_connections=False`: the caller closes them
    itself, e.g. all of a user's at once)."""
    live = Session.objects.filter(sessions, revoked_at__isnull=True)
    if not close_connections:
        live.update(revoked_at=timezone.now())
        return
    ended = list(live.values_list("pk", "user_id"))
    Session.objects.filter(pk__in=[pk for pk, _ in ended], revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    for session_id, user_id in ended:
        end_live_connections(user_id, session_id=session_id)


def live_sessions(user: User) -> QuerySet[Session]:
    """The user's sessions that can still be used, most recently used first."""
    return Session.objects.filter(
        user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-last_used_at", "-created_at")


def revoke_session(user: User, session_id: uuid.UUID | str) -> Session:
    """End one of `user`'s sessions now: its refresh and access tokens stop working.

    Someone else's session, an unknown id or one already ended: NOT_FOUND (the same answer
    for all three, so ids of other readers' sessions cannot be probed).
    """
    try:
        session_id = uuid.UUID(str(session_id))
    except ValueError:
        raise NotFound("No session with this id.", field="id") from None
    now = timezone.now()
    with transaction.atomic():
        session = (
            live_sessions(user).select_for_update().filter(pk=session_id).first()
            if user.is_authenticated
            else None
        )
        if session is None:
            raise NotFound("No session with this id.", field="id")
        session.revoked_at = now
        session.save(update_fields=["revoked_at"])
        RefreshToken.objects.filter(family=session.pk, revoked_at__isnull=True).update(
            revoked_at=now
        )
        end_live_connections(user.pk, session_id=session.pk)
    return session
