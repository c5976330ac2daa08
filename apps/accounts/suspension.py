"""Suspended accounts: a moderator's sanction (apps/moderation), kept on the user row.

While suspended a reader cannot log in or refresh a session (`ACCOUNT_SUSPENDED`), every token
they held was revoked at the moment of suspension, and their content is absent for everyone
(`suspended_users` is the predicate every visibility filter applies). A suspension with an end
date lapses by itself: the predicate compares with the database's clock, so compiled plans stay
valid and no job has to lift it.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Now
from django.utils import timezone

from apps.accounts.live_connections import CloseReason, end_live_connections
from apps.accounts.models import PersonalAccessToken, User
from apps.accounts.tokens import revoke_all_tokens
from apps.core.errors import Invalid


def suspended_now_q(prefix: str = "") -> Q:
    """Users suspended at this moment (in SQL: the database's clock, not the plan's)."""
    return Q(**{f"{prefix}suspended_at__isnull": False}) & (
        Q(**{f"{prefix}suspended_until__isnull": True})
        | Q(**{f"{prefix}suspended_until__gt": Now()})
    )


def suspended_users() -> QuerySet:
    """Ids of the readers suspended now (a subquery for `__in`)."""
    return User.objects.filter(suspended_now_q()).values("pk")


def revoke_everything(user: User) -> None:
    """Every way `user` is logged in stops working now: access and refresh tokens (token
    version), sessions, personal access tokens, and the WebSockets opened with any of them
    (closed with 4403 "Forbidden: account suspended", in every server process, once the
    transaction commits; announced first, so that is the reason their clients see)."""
    end_live_connections(user.pk, reason=CloseReason.ACCOUNT_SUSPENDED)
    revoke_all_tokens(user)
    PersonalAccessToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def suspend_user(user: User, *, until: datetime | None = None) -> User:
    """Suspend `user` until `until` (None: indefinitely) and revoke all their access at once."""
    now = timezone.now()
    if until is not None and until <= now:
        raise Invalid("A suspension must end in the future.", field="until")
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(suspended_at=now, suspended_until=until)
        revoke_everything(user)
    user.refresh_from_db(fields=["suspended_at", "suspended_until", "token_version"])
    return user


def unsuspend_user(user: User) -> User:
    """Lift a suspension (nothing happens when there is none). Tokens revoked stay revoked:
    the reader logs in again."""
    User.objects.filter(pk=user.pk).update(suspended_at=None, suspended_until=None)
    user.refresh_from_db(fields=["suspended_at", "suspended_until"])
    return user
