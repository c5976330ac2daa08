"""Prometheus metrics at /metrics: operations, latency, errors, WebSockets, events, cache."""

import time
import urllib.error
import urllib.request
import uuid

import pytest
from django.core.cache import caches
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from booknest.cache import LocMemCache, RedisCache
from booknest.metrics import BoundedLabel
from tests.e2e.server import free_port
from tests.test_observability import BOOK_ACTIVITY, BOOKS, RATE, live_daphne

TOKEN = "metrics-test-token-0123456789"


def sample(name: str, **labels: str) -> float:
    """A metric's current value in this process (0 when never set)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


def scraped(text: str) -> dict[tuple[str, frozenset], float]:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


# --- the endpoint ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_operations_are_counted_by_name_type_and_outcome(client, gql):
    ok = {"operation": "Books", "type": "query", "outcome": "ok"}
    before = sample("booknest_graphql_operations_total", **ok)
    latency_before = sample("booknest_graphql_operation_duration_seconds_count", type="query")
    parse_before = sample("booknest_graphql_errors_total", code="GRAPHQL_PARSE_FAILED")
    refused = {"operation": "anonymous", "type": "unknown", "outcome": "refused"}
    refused_before = sample("booknest_graphql_operations_total", **refused)

    gql.once(BOOKS, {"first": 1})
    gql.once(BOOKS, {"first": 1})
    gql("query {")

    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    samples = scraped(response.content.decode())
    assert value(samples, "booknest_graphql_operations_total", **ok) == before + 2
    assert value(samples, "booknest_graphql_operations_total", **refused) == refused_before + 1
    count = "booknest_graphql_operation_duration_seconds_count"
    assert value(samples, count, type="query") == latency_before + 2
    parse_failed = value(samples, "booknest_graphql_errors_total", code="GRAPHQL_PARSE_FAILED")
    assert parse_failed == parse_before + 1
    for name in (
        "booknest_websockets_open",
        "booknest_graphql_sql_queries_count",
        "booknest_graphql_operation_duration_seconds_bucket",
    ):
        assert any(key[0] == name for key in samples), name


@pytest.mark.django_db
def test_rate_limited_operations_are_counted(client, settings):
    settings.RATE_LIMIT_ANONYMOUS_POINTS = 1
    before = sample("booknest_rate_limited_total")
    codes = set()
    for _ in range(3):
        response = client.post(
            "/graphql", {"query": BOOKS, "variables": {"first": 50}}, "application/json"
        )
        errors = response.json().get("errors", [])
        codes |= {e.get("extensions", {}).get("code") for e in errors}
    assert "RATE_LIMITED" in codes, "the rate limit refused nothing: cannot check the counter"
    assert sample("booknest_rate_limited_total") > before
    assert sample("booknest_graphql_errors_total", code="RATE_LIMITED") > 0


@pytest.mark.django_db
def test_metrics_off_is_404(client, settings):
    settings.METRICS_ENABLED = False
    assert client.get("/metrics").status_code == 404


@pytest.mark.django_db
def test_a_metrics_token_is_required_when_set(client, settings):
    settings.METRICS_TOKEN = TOKEN
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}):
        response = client.get("/metrics", headers=headers)
        assert response.status_code == 401, headers
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert b"booknest_" not in response.content
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert b"booknest_graphql_operations_total" in response.content


def test_operation_names_cannot_grow_the_metrics_without_bound():
    label = BoundedLabel(r"[A-Za-z0-9_]{1,64}", 3)
    assert label(None, empty="anonymous") == "anonymous"
    assert label("", empty="anonymous") == "anonymous"
    assert label("has space", empty="anonymous") == "other"
    assert label("x" * 65, empty="anonymous") == "other"
    assert [label(name, empty="-") for name in ("A", "B", "C", "D")] == ["A", "B", "C", "other"]
    assert label("B", empty="-") == "B"  # names already seen keep their own series


# --- cache hits and misses -------------------------------------------------------------------


def cache_counts() -> tuple[float, float]:
    return (
        sample("booknest_cache_requests_total", result="hit"),
        sample("booknest_cache_requests_total", result="miss"),
    )


def exercise(cache) -> tuple[float, float]:
    """Reads of every kind on `cache`: returns the (hits, misses) they added."""
    key = f"metrics:{uuid.uuid4().hex}:"  # a shared Redis: keys of this call only
    present, none, absent = key + "present", key + "none", key + "absent"
    hits, misses = cache_counts()
    cache.set(present, "yes", 30)
    cache.set(none, None, 30)
    assert cache.get(present) == "yes"  # hit
    assert cache.get(none, "default") is None  # hit: None is a value
    assert cache.get(absent, "default") == "default"  # miss
    assert cache.get_many([present, absent]) == {present: "yes"}  # a hit and a miss
    assert cache.has_key(present) and not cache.has_key(absent)  # a hit and a miss
    assert cache.get_or_set(absent, "made", 30) == "made"  # miss
    after_hits, after_misses = cache_counts()
    return after_hits - hits, after_misses - misses


def test_cache_hits_and_misses_are_counted_on_the_configured_cache():
    """The configured backend: django-redis with REDIS_URL (against the real server), local
    memory otherwise."""
    assert exercise(caches["default"]) == (4, 4)


def test_cache_hits_and_misses_are_counted_on_local_memory():
    assert exercise(LocMemCache("metrics-test", {})) == (4, 4)


def test_an_unreachable_redis_counts_misses():
    cache = RedisCache(
        f"redis://127.0.0.1:{free_port()}/0",
        {
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.2,
                "SOCKET_TIMEOUT": 0.2,
            }
        },
    )
    hits, misses = cache_counts()
    assert cache.get("anything", "fallback") == "fallback"
    assert cache.get_many(["a", "b"]) == {}
    assert cache_counts() == (hits, misses + 3)


@pytest.mark.django_db
def test_readiness_probes_do_not_count_as_cache_traffic(client):
    before = cache_counts()
    assert client.get("/readyz").status_code in (200, 503)
    assert cache_counts() == before


# --- a live server: WebSockets open, events delivered ----------------------------------------


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("metrics-live")
    with live_daphne(tmp, METRICS_TOKEN=TOKEN, GRAPHQL_WS_KEEPALIVE_SECONDS="1") as server:
        yield server


def scrape(url: str) -> dict:
    request = urllib.request.Request(  # noqa: S310 - local URL
        f"{url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        assert response.headers["Content-Type"].startswith("text/plain; version=")
        return scraped(response.read().decode())


def eventually(check, timeout: float = 10):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.mark.e2e
@pytest.mark.xdist_group("e2e")
def test_live_metrics_need_the_token(live):
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{live.url}/metrics", timeout=10)  # noqa: S310
    assert refused.value.code == 401


@pytest.mark.e2e
@pytest.mark.xdist_group("e2e")
@pytest.mark.parametrize(
    ("protocol", "start"), [("graphql-transport-ws", "subscribe"), ("graphql-ws", "start")]
)
def test_live_websockets_and_delivered_events_are_counted(live, protocol, start):
    from tests.e2e.ws_client import WSClient, http_graphql, settle

    seed = live.seed
    before = scrape(live.url)
    open_before = value(before, "booknest_websockets_open")
    delivered = "booknest_subscription_events_delivered_total"
    events_before = value(before, delivered, protocol=protocol)
    subscribed = {"operation": "Activity", "type": "subscription", "outcome": "ok"}
    subscriptions_before = value(before, "booknest_graphql_operations_total", **subscribed)

    with WSClient(live.url, protocol=protocol) as client:
        assert client.ack["type"] == "connection_ack"
        assert value(scrape(live.url), "booknest_websockets_open") == open_before + 1
        payload = {"query": BOOK_ACTIVITY, "variables": {"b": seed["book"]}}
        client.send({"id": "a", "type": start, "payload": {**payload, "operationName": "Activity"}})
        settle(client)
        for rating in (2, 5):
            http_graphql(
                live.url, RATE, {"b": seed["book"], "v": rating}, seed["users"]["eve"]["token"]
            )
            assert client.next_data("a")["bookActivity"]["rating"] == {"value": float(rating)}
        during = scrape(live.url)
        assert value(during, delivered, protocol=protocol) == events_before + 2
        assert (
            value(during, "booknest_graphql_operations_total", **subscribed)
            == subscriptions_before + 1
        )

    def closed():
        assert value(scrape(live.url), "booknest_websockets_open") == open_before

    eventually(closed)


@pytest.mark.django_db
def test_prometheus_may_ask_for_openmetrics(client):
    accept = "application/openmetrics-text; version=1.0.0,text/plain;version=0.0.4;q=0.5"
    response = client.get("/metrics", headers={"Accept": accept})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/openmetrics-text")
    assert response.content.endswith(b"# EOF\n")
