"""Rate limits by points: each operation spends its cost from its viewer's hourly budget.

GitHub-style: a logged-in viewer has `RATE_LIMIT_POINTS` points per window
(`RATE_LIMIT_WINDOW_SECONDS`, one hour), an anonymous one `RATE_LIMIT_ANONYMOUS_POINTS` per
client IP. The window starts at the first operation and resets all at once. Each operation
(query, mutation or subscription, over HTTP or WebSocket) spends its cost (`context.cost`, from
OperationLimits; at least 1). An operation the budget cannot pay is refused before it runs,
spending nothing: a top-level `RATE_LIMITED` error (HTTP 429) with `extensions.resetAt` and
`extensions.retryAfter`.

HTTP responses carry the budget in the IETF draft's headers (draft-ietf-httpapi-ratelimit-headers):
`RateLimit-Limit` (points per window), `RateLimit-Remaining` and `RateLimit-Reset` (seconds until
the window resets); a refusal adds `Retry-After` (seconds).

Counting is one atomic step in Redis with `REDIS_URL` (shared by every process), awaited so a
slow Redis holds back only the operations waiting on it, else in this process's memory. Redis down: the API fails open — operations run unmetered, without headers,
and a warning is logged at most once a minute (availability over metering; the login throttles
of apps/accounts/throttle.py keep counting in memory meanwhile).

WebSocket connections are capped per process (`GRAPHQL_WS_MAX_CONNECTIONS`) and per client IP
(`GRAPHQL_WS_MAX_CONNECTIONS_PER_IP`), counted in this process.
"""

import time
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponseBase
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from apps.accounts import throttle

RATE_LIMITED = "RATE_LIMITED"


@dataclass(frozen=True)
class RateLimitState:
    """A viewer's budget after the current operation: points per window, points left, and when
    the window resets (Unix time, seconds)."""

    limit: int
    remaining: int
    reset: int


def budget_of(context) -> tuple[str, int]:
    """(counter name, points per window) of the viewer: the user when logged in, else the IP."""
    user = getattr(context, "user", None)
    if user is not None and user.is_authenticated:
        return f"points:user:{user.pk}", settings.RATE_LIMIT_POINTS
    ip = getattr(context, "client_ip", None) or "unknown"
    return f"points:ip:{ip}", settings.RATE_LIMIT_ANONYMOUS_POINTS


async def spend_points(context, cost: int) -> tuple[RateLimitState, throttle.Window] | None:
    """Spend `cost` points from the viewer's budget; None when not metered (Redis down)."""
    name, limit = budget_of(context)
    try:
        window = await throttle.spend(
            name, cost, limit=limit, window=settings.RATE_LIMIT_WINDOW_SECONDS
        )
    except throttle.WindowUnavailable:
        return None  # fail open: logged (once a minute) by the store
    state = RateLimitState(
        limit=limit, remaining=max(0, limit - window.count), reset=int(window.reset + 0.999)
    )
    return state, window


def rate_limited(state: RateLimitState, window: throttle.Window, cost: int) -> GraphQLError:
    """The refusal of an operation its viewer's budget cannot pay."""
    retry_after = window.retry_after()
    reset_at = window.reset_at()
    return GraphQLError(
        f"Rate limit exceeded: this operation costs {cost} point{'' if cost == 1 else 's'} and {state.remaining} of "
        f"{state.limit} remain in this window. The budget resets at {reset_at} (in "
        f"{retry_after} s).",
        extensions={
            "code": RATE_LIMITED,
            "limit": state.limit,
            "remaining": state.remaining,
            "cost": cost,
            "resetAt": reset_at,
            "retryAfter": retry_after,
        },
    )


def set_headers(response, state: RateLimitState, retry_after: int | None = None) -> None:
    """The RateLimit headers on an HTTP response (WebSocket operations have none)."""
    if not isinstance(response, HttpResponseBase):
        return
    seconds = max(0, int(state.reset - time.time()))
    response["RateLimit-Limit"] = str(state.limit)
    response["RateLimit-Remaining"] = str(state.remaining)
    response["RateLimit-Reset"] = str(seconds)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)


class RateLimit(SchemaExtension):
    """Spends the operation's cost (`context.cost`) from the viewer's budget (user, else IP),
    sets `context.rate_limit`, and refuses the operation once the budget is spent."""

    charged: tuple[str, int] | None = None  # (budget, points) this operation spent

    async def on_operation(self):
        try:
            yield
        finally:
            await self.give_back()

    async def on_execute(self):
        context = self.execution_context.context
        if settings.RATE_LIMIT_ENABLED and context is not None:
            cost = max(1, getattr(context, "cost", None) or 1)
            spent = await spend_points(context, cost)
            if spent is not None:
                state, window = spent
                response = getattr(context, "response", None)
                if not window.spent:
                    set_headers(response, state, retry_after=window.retry_after())
                    raise rate_limited(state, window, cost)
                self.charged = (budget_of(context)[0], cost)
                context.rate_limit = state
                set_headers(response, state)
        yield

    async def give_back(self) -> None:
        """Points spent from the budget of a token's user, when the token turned out not to stand
        after the spending (schema/auth.py: a compiled read asks in its own statement), go back
        with their headers: a refused token spends nothing."""
        context = self.execution_context.context
        if self.charged is None or self.charged[0] == budget_of(context)[0]:
            return
        name, cost = self.charged
        self.charged = None
        await throttle.refund(name, cost)
        context.rate_limit = None
        response = getattr(context, "response", None)
        if isinstance(response, HttpResponseBase):
            for header in ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"):
                if header in response:
                    del response[header]


# --- WebSocket connection caps ---------------------------------------------------------------


class ConnectionCounts:
    """Open WebSocket connections of this process, in total and per client IP."""

    def __init__(self) -> None:
        self.total = 0
        self.by_ip: Counter[str] = Counter()


connections = ConnectionCounts()


def _ip_of(consumer) -> str:
    return getattr(consumer, "client_ip", None) or "unknown"


async def admit_websocket(consumer) -> bool:
    """Whether a new WebSocket connection may open (caps per process and per client IP:
    `GRAPHQL_WS_MAX_CONNECTIONS`, `GRAPHQL_WS_MAX_CONNECTIONS_PER_IP`); counts it if so."""
    ip = _ip_of(consumer)
    counts = connections
    if (
        counts.total >= settings.GRAPHQL_WS_MAX_CONNECTIONS
        or counts.by_ip[ip] >= settings.GRAPHQL_WS_MAX_CONNECTIONS_PER_IP
    ):
        return False
    # No await between the check and the count: atomic on the event loop.
    counts.total += 1
    counts.by_ip[ip] += 1
    consumer._ratelimit_counts = counts  # released into the same counts, even if swapped
    return True


async def release_websocket(consumer) -> None:
    """A connection `admit_websocket` admitted has closed."""
    counts = getattr(consumer, "_ratelimit_counts", None)
    if counts is None:
        return
    consumer._ratelimit_counts = None
    ip = _ip_of(consumer)
    counts.total = max(0, counts.total - 1)
    counts.by_ip[ip] -= 1
    if counts.by_ip[ip] <= 0:
        del counts.by_ip[ip]
