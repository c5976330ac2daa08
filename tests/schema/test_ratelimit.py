"""Rate limits by points (schema/ratelimit.py): budgets, headers, refusals, WebSocket caps.

Runs on the real store: Redis when REDIS_URL is set, else local memory; the conftest gives each
test its own key namespace. "Redis down" points the cache at a closed port, for real.
"""

import asyncio
import json
import logging
import time
import urllib.error
import urllib.request
from datetime import datetime
from types import SimpleNamespace

import pytest
import strawberry
from asgiref.sync import async_to_sync
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from strawberry.django.views import TemporalHttpResponse
from strawberry.extensions import SchemaExtension
from websockets.exceptions import ConnectionClosed, InvalidStatus

from apps.accounts import throttle
from apps.accounts.models import User
from apps.accounts.tokens import create_access_token
from schema.ratelimit import RateLimit
from tests.e2e.server import daphne, migrate, sqlite_server_env
from tests.e2e.ws_client import TIMEOUT, WSClient
from tests.factories import make_user
from tests.helpers import point_cache_at_a_dead_redis

pytestmark = pytest.mark.django_db

GQL = "application/graphql-response+json"
TYPENAME = {"query": "{ __typename }"}
REGISTER = """mutation ($input: RegisterInput!) {
  register(input: $input) { user { username } errors { code } } }"""


def post(client, body, *, accept: str = GQL, **headers):
    return client.post(
        "/graphql",
        json.dumps(body),
        content_type="application/json",
        headers={"Accept": accept, **headers},
    )


def bearer(user) -> str:
    return f"Bearer {create_access_token(user)[0]}"


def budget(response) -> tuple[int, int, int]:
    return (
        int(response["RateLimit-Limit"]),
        int(response["RateLimit-Remaining"]),
        int(response["RateLimit-Reset"]),
    )


@pytest.fixture
def small_budgets(settings):
    settings.RATE_LIMIT_ENABLED = True
    settings.RATE_LIMIT_ANONYMOUS_POINTS = 3
    settings.RATE_LIMIT_POINTS = 5
    settings.RATE_LIMIT_WINDOW_SECONDS = 3600
    return settings


# --- budgets and headers ---------------------------------------------------------------------


def test_each_operation_spends_from_the_budget_reported_in_headers(client, small_budgets):
    first = post(client, TYPENAME)
    second = post(client, TYPENAME)
    assert first.status_code == second.status_code == 200
    assert budget(first)[:2] == (3, 2)
    assert budget(second)[:2] == (3, 1)
    # Reset: seconds until the window (which started at the first operation) ends.
    assert 3590 <= budget(second)[2] <= 3600
    assert "Retry-After" not in second


def test_an_exhausted_budget_is_a_429_with_the_reset_time(client, small_budgets):
    for _ in range(3):
        assert post(client, TYPENAME).status_code == 200
    refused = post(client, TYPENAME)
    assert refused.status_code == 429
    body = refused.json()
    assert "data" not in body
    [error] = body["errors"]
    extensions = error["extensions"]
    assert extensions["code"] == "RATE_LIMITED"
    assert 3590 <= extensions["retryAfter"] <= 3600
    reset_at = datetime.fromisoformat(extensions["resetAt"].replace("Z", "+00:00"))
    assert abs(reset_at.timestamp() - (time.time() + extensions["retryAfter"])) <= 2
    assert extensions["resetAt"] in error["message"]
    assert f"{extensions['retryAfter']} s" in error["message"]
    assert "3 " in error["message"]  # the limit
    assert refused["Retry-After"] == str(extensions["retryAfter"])
    assert budget(refused)[:2] == (3, 0)
    # A legacy `application/json` client sees the 429 as well.
    assert post(client, TYPENAME, accept="application/json").status_code == 429


def test_a_refused_operation_does_not_run_and_spends_nothing(client, small_budgets):
    small_budgets.RATE_LIMIT_ANONYMOUS_POINTS = 1
    assert post(client, TYPENAME).status_code == 200
    variables = {"input": {"username": "late", "email": "late@example.com", "password": "x" * 12}}
    refused = post(client, {"query": REGISTER, "variables": variables})
    assert refused.status_code == 429
    assert not User.objects.filter(username="late").exists()
    # Still one point spent of one: refusals are free, the window is not extended.
    assert budget(post(client, TYPENAME))[:2] == (1, 0)


def test_the_budget_comes_back_when_the_window_resets(client, small_budgets):
    small_budgets.RATE_LIMIT_ANONYMOUS_POINTS = 1
    small_budgets.RATE_LIMIT_WINDOW_SECONDS = 1
    assert post(client, TYPENAME).status_code == 200
    refused = post(client, TYPENAME)
    assert refused.status_code == 429
    assert refused.json()["errors"][0]["extensions"]["retryAfter"] == 1
    time.sleep(1.1)
    again = post(client, TYPENAME)
    assert again.status_code == 200
    assert budget(again)[:2] == (1, 0)


def test_logged_in_viewers_have_their_own_bigger_budget(client, small_budgets):
    ada, bob = make_user(username="ada"), make_user(username="bob")
    for _ in range(3):
        post(client, TYPENAME)
    assert post(client, TYPENAME).status_code == 429  # the IP's anonymous budget is spent
    as_ada = post(client, TYPENAME, Authorization=bearer(ada))
    assert as_ada.status_code == 200
    assert budget(as_ada)[:2] == (5, 4)
    for _ in range(4):
        post(client, TYPENAME, Authorization=bearer(ada))
    assert post(client, TYPENAME, Authorization=bearer(ada)).status_code == 429
    # Same IP, another user: untouched.
    assert budget(post(client, TYPENAME, Authorization=bearer(bob)))[:2] == (5, 4)


def test_anonymous_budgets_are_per_client_ip(client, small_budgets):
    for _ in range(3):
        post(client, TYPENAME)
    assert post(client, TYPENAME).status_code == 429
    elsewhere = client.post(
        "/graphql",
        json.dumps(TYPENAME),
        content_type="application/json",
        REMOTE_ADDR="10.1.2.3",
    )
    assert elsewhere.status_code == 200
    assert budget(elsewhere)[:2] == (3, 2)


def test_disabled_rate_limits_spend_nothing_and_send_no_headers(client, small_budgets):
    small_budgets.RATE_LIMIT_ENABLED = False
    for _ in range(5):
        response = post(client, TYPENAME)
        assert response.status_code == 200
        assert "RateLimit-Remaining" not in response
    small_budgets.RATE_LIMIT_ENABLED = True
    assert budget(post(client, TYPENAME))[:2] == (3, 2)  # nothing was spent meanwhile


# --- the cost of an operation ----------------------------------------------------------------


@strawberry.type
class _Query:
    hello: str = "world"


def _costing(cost):
    class SetCost(SchemaExtension):
        def on_execute(self):
            self.execution_context.context.cost = cost
            yield

    schema = strawberry.Schema(query=_Query, extensions=[SetCost, RateLimit])
    return lambda query, context: async_to_sync(schema.execute)(
        query, context_value=context, root_value=_Query()
    )


def _context(ip="192.0.2.1"):
    return SimpleNamespace(
        user=AnonymousUser(),
        client_ip=ip,
        cost=None,
        rate_limit=None,
        response=TemporalHttpResponse(),
    )


def test_an_operation_spends_its_cost_and_one_it_cannot_pay_spends_nothing(small_budgets):
    small_budgets.RATE_LIMIT_ANONYMOUS_POINTS = 10
    execute = _costing(7)
    context = _context()
    assert execute("{ hello }", context).data == {"hello": "world"}
    assert context.rate_limit.limit == 10
    assert context.rate_limit.remaining == 3
    assert context.rate_limit.reset >= time.time() + 3590
    assert context.response["RateLimit-Remaining"] == "3"

    refused_context = _context()
    refused = execute("{ hello }", refused_context)
    assert refused.data is None
    assert refused.errors[0].extensions["code"] == "RATE_LIMITED"
    assert refused.errors[0].extensions["cost"] == 7
    assert refused_context.response["Retry-After"]

    cheap = _context()
    assert _costing(3)("{ hello }", cheap).errors is None
    assert cheap.rate_limit.remaining == 0


def test_no_cost_counts_as_one_point_and_disabled_leaves_remaining_null(small_budgets):
    context = _context()
    _costing(None)("{ hello }", context)
    assert context.rate_limit.remaining == 2
    small_budgets.RATE_LIMIT_ENABLED = False
    disabled = _context()
    assert _costing(1)("{ hello }", disabled).errors is None
    assert disabled.rate_limit is None
    assert "RateLimit-Limit" not in disabled.response


# --- the store -------------------------------------------------------------------------------


async def test_spending_is_atomic_under_concurrency():
    """20 operations spend from a budget of 10 at once: exactly 10 succeed (Redis or memory)."""
    spent = await asyncio.gather(
        *(throttle.spend("race", 1, limit=10, window=60) for _ in range(20))
    )
    assert sorted(window.spent for window in spent) == [False] * 10 + [True] * 10
    assert (await throttle.spend("race", 0, limit=10, window=60)).count == 10


@pytest.mark.skipif(not django_settings.REDIS_URL, reason="needs REDIS_URL")
def test_budgets_live_in_redis_with_the_window_as_expiry(client, small_budgets):
    from django.core.cache import cache
    from django_redis import get_redis_connection

    post(client, TYPENAME)
    redis = get_redis_connection("default")
    key = cache.make_key(f"{throttle.NAMESPACE}:points:ip:127.0.0.1")
    assert int(redis.get(key)) == 1
    assert 3590_000 <= redis.pttl(key) <= 3600_000


# --- Redis down: fail open -------------------------------------------------------------------


@pytest.fixture
def redis_down(settings):
    """The cache points at a closed port: every Redis call fails (connection refused)."""
    point_cache_at_a_dead_redis(settings)
    return settings


def test_with_redis_down_operations_still_answer_unmetered(
    client, small_budgets, redis_down, caplog, monkeypatch
):
    monkeypatch.setattr(throttle, "_last_warning", 0.0)
    monkeypatch.setattr(throttle, "_redis_down_until", 0.0)
    caplog.set_level(logging.WARNING, logger="apps.accounts.throttle")
    for _ in range(5):  # more than the anonymous budget of 3
        response = post(client, TYPENAME)
        assert response.status_code == 200
        assert response.json()["data"] == {"__typename": "Query"}
        assert "RateLimit-Remaining" not in response
    warnings = [r for r in caplog.records if "Redis is unavailable" in r.getMessage()]
    assert len(warnings) == 1  # once a minute, not once a request


# --- WebSocket: operations spend, connections are capped -------------------------------------


@pytest.fixture(scope="module")
def capped_server(tmp_path_factory):
    """A live server (behind a "proxy", so tests can pick their client IP) with small caps."""
    tmp = tmp_path_factory.mktemp("ratelimit-live")
    env = sqlite_server_env(
        tmp,
        DJANGO_BEHIND_PROXY="true",
        RATE_LIMIT_ANONYMOUS_POINTS="3",
        GRAPHQL_WS_MAX_CONNECTIONS="3",
        GRAPHQL_WS_MAX_CONNECTIONS_PER_IP="2",
    )
    migrate(env)
    with daphne(env) as url:
        yield url


def from_ip(ip: str) -> dict:
    return {"X-Forwarded-For": ip}


def test_websocket_operations_spend_the_same_budget(capped_server):
    with WSClient(capped_server, headers=from_ip("198.51.100.7")) as client:
        assert client.ack["type"] == "connection_ack"
        for n in range(3):
            client.subscribe(str(n), "{ __typename }")
            assert client.next_data(str(n)) == {"__typename": "Query"}
            assert client.receive() == {"id": str(n), "type": "complete"}
        client.subscribe("over", "{ __typename }")
        refused = client.receive()
        assert refused["id"] == "over"
        errors = refused["payload"] if refused["type"] == "error" else refused["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "RATE_LIMITED"
        assert 3590 <= errors[0]["extensions"]["retryAfter"] <= 3600
    # HTTP from the same IP shares the budget: spent.
    request = urllib.request.Request(  # noqa: S310 - local URL
        f"{capped_server}/graphql",
        data=json.dumps(TYPENAME).encode(),
        headers={"Content-Type": "application/json", **from_ip("198.51.100.7")},
    )
    with pytest.raises(urllib.error.HTTPError) as refused_http:
        urllib.request.urlopen(request, timeout=TIMEOUT)  # noqa: S310
    assert refused_http.value.code == 429
    assert refused_http.value.headers["Retry-After"]


def _refused(url: str, ip: str) -> bool:
    """Whether a new connection from `ip` is turned away (at the handshake or right after)."""
    try:
        client = WSClient(url, headers=from_ip(ip))
    except (InvalidStatus, ConnectionClosed):
        return True
    client.close()
    return False


def test_websocket_connections_are_capped_per_ip_and_per_process(capped_server):
    with WSClient(capped_server, headers=from_ip("203.0.113.1")) as first:
        assert first.ack["type"] == "connection_ack"
        with WSClient(capped_server, headers=from_ip("203.0.113.1")) as second:
            assert second.ack["type"] == "connection_ack"
            assert _refused(capped_server, "203.0.113.1")  # a third from this IP
            with WSClient(capped_server, headers=from_ip("203.0.113.2")) as other:
                assert other.ack["type"] == "connection_ack"  # another IP: admitted
                assert _refused(capped_server, "203.0.113.3")  # the process holds 3
        # One closed: room again (the count follows disconnects).
        deadline = time.monotonic() + 5
        while _refused(capped_server, "203.0.113.1"):
            assert time.monotonic() < deadline, "a closed connection was never released"
            time.sleep(0.1)
