"""Prometheus metrics, served at /metrics (prometheus_client, its default registry).

One daphne process per container, so each process serves its own metrics and Prometheus
scrapes every container (no multiprocess mode: nothing here forks workers).

- `booknest_graphql_operations_total{operation, type, outcome}`: GraphQL operations by name
  (bounded: see `operation_label`), type (query/mutation/subscription/unknown) and outcome
  (ok/error/refused), counted by schema/observability.py.
- `booknest_graphql_operation_duration_seconds{type}`: their latency (histogram).
- `booknest_graphql_sql_queries{type}`: SQL queries per operation (histogram).
- `booknest_graphql_errors_total{code}`: top-level errors by `extensions.code`.
- `booknest_rate_limited_total`: operations refused by the rate limit.
- `booknest_websockets_open`: GraphQL WebSocket connections open now.
- `booknest_subscription_events_delivered_total{protocol}`: subscription results sent.
- `booknest_cache_requests_total{result}`: cache reads, `hit` or `miss` (booknest/cache.py).
"""

import hmac
import re
import threading

from django.conf import settings
from django.http import HttpResponse
from prometheus_client import REGISTRY, Counter, Gauge, Histogram
from prometheus_client.exposition import choose_encoder

WEBSOCKETS_OPEN = Gauge("booknest_websockets_open", "GraphQL WebSocket connections open now.")

OPERATIONS = Counter(
    "booknest_graphql_operations",
    "GraphQL operations by operation name, type and outcome (ok, error, refused).",
    ["operation", "type", "outcome"],
)
OPERATION_DURATION = Histogram(
    "booknest_graphql_operation_duration_seconds",
    "GraphQL operation latency, from parsing to the result (subscriptions: until subscribed).",
    ["type"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
SQL_QUERIES = Histogram(
    "booknest_graphql_sql_queries",
    "SQL queries run by one GraphQL operation.",
    ["type"],
    buckets=(0, 1, 2, 3, 5, 10, 20, 50, 100, 250),
)
ERRORS = Counter(
    "booknest_graphql_errors",
    "Top-level GraphQL errors by extensions.code.",
    ["code"],
)
RATE_LIMITED = Counter(
    "booknest_rate_limited",
    "GraphQL operations refused by the rate limit (RATE_LIMITED).",
)
EVENTS_DELIVERED = Counter(
    "booknest_subscription_events_delivered",
    "Subscription results (`next` / `data` messages) sent to WebSocket clients.",
    ["protocol"],
)
CACHE_REQUESTS = Counter(
    "booknest_cache_requests",
    "Cache reads by result: hit or miss (an unreachable Redis counts as misses).",
    ["result"],
)


class BoundedLabel:
    """Values a client chooses (operation names, error codes) as a label of bounded cardinality.

    A value is kept when it matches `pattern` and fewer than `limit` distinct values have been
    seen by this process; anything else is `other`, so no client can grow the registry (and
    every scrape) without bound.
    """

    OTHER = "other"

    def __init__(self, pattern: str, limit: int) -> None:
        self.pattern = re.compile(pattern)
        self.limit = limit
        self.seen: set[str] = set()
        self.lock = threading.Lock()

    def __call__(self, value: str | None, *, empty: str) -> str:
        if not value:
            return empty
        if value in self.seen:
            return value
        if not self.pattern.fullmatch(value):
            return self.OTHER
        with self.lock:
            if value in self.seen:
                return value
            if len(self.seen) >= self.limit:
                return self.OTHER
            self.seen.add(value)
            return value


# GraphQL names are [_A-Za-z][_0-9A-Za-z]*; at most 64 characters and 200 names a process.
operation_label = BoundedLabel(r"[A-Za-z0-9_]{1,64}", 200)
# Codes are the server's own UPPER_SNAKE names; the bound only guards against surprises.
error_code_label = BoundedLabel(r"[A-Z][A-Z0-9_]{0,63}", 100)


def authorized(request) -> bool:
    """No `METRICS_TOKEN`, or `Authorization: Bearer <METRICS_TOKEN>` (compared in constant
    time)."""
    token = settings.METRICS_TOKEN
    if not token:
        return True
    scheme, _, offered = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(offered.strip().encode(), token.encode())


async def metrics_view(request) -> HttpResponse:
    """This process's metrics in Prometheus' text format (or OpenMetrics, if asked for):
    404 when `METRICS_ENABLED` is off, 401 without the token when `METRICS_TOKEN` is set."""
    if not settings.METRICS_ENABLED:
        return HttpResponse("Not found.\n", status=404, content_type="text/plain")
    if not authorized(request):
        response = HttpResponse("Unauthorized.\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    encoder, content_type = choose_encoder(request.headers.get("Accept", ""))
    response = HttpResponse(encoder(REGISTRY), content_type=content_type)
    response["Cache-Control"] = "no-store"
    return response
