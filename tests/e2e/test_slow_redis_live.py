"""A slow Redis stalls only the requests that wait on it, on a live daphne process.

The server reaches a Redis of the test's own through a TCP proxy that delays every reply. While
rate-limited queries wait on that slow Redis for their points, the same process answers a
health check and a WebSocket ping at once: the rate limiter awaits Redis instead of blocking the
event loop (a synchronous Redis call there held every request and WebSocket of the process).
"""

import json
import threading
import time
import urllib.error
import urllib.request

import pytest

from tests.e2e.redis_process import DelayingProxy, RedisProcess, needs_redis_server
from tests.e2e.server import daphne, migrate, sqlite_server_env
from tests.e2e.ws_client import TIMEOUT, WSClient

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e"), needs_redis_server]

# Each Redis reply comes this late: shorter than the server's Redis read timeout (1 s), so the
# slow queries are still metered, and long enough to tell waiting from not waiting.
DELAY = 0.6
SLOW_QUERIES = 4
# What "at once" means here: far below one Redis delay, generous for a busy 2-core machine.
PROMPT = 0.3


@pytest.fixture(scope="module")
def slow_redis_server(tmp_path_factory):
    """(base URL, proxy): a live server whose Redis (cache, channel layer, rate limits) is behind
    a delaying proxy."""
    tmp = tmp_path_factory.mktemp("slow-redis")
    redis = RedisProcess(tmp)
    redis.start()
    proxy = DelayingProxy(redis.port)
    try:
        env = sqlite_server_env(tmp, REDIS_URL=proxy.url, IMPORT_RUNNER="thread")
        migrate(env)
        with daphne(env) as url:
            yield url, proxy
    finally:
        proxy.close()
        redis.stop()


def query(base_url: str, results: list) -> None:
    """POST `{ __typename }`; appends (status, RateLimit-Remaining header, seconds taken)."""
    request = urllib.request.Request(  # noqa: S310 - local URL
        f"{base_url}/graphql",
        data=json.dumps({"query": "{ __typename }"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    start = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            status, remaining = response.status, response.headers["RateLimit-Remaining"]
    except urllib.error.HTTPError as error:
        status, remaining = error.code, error.headers["RateLimit-Remaining"]
    results.append((status, remaining, time.monotonic() - start))


def concurrently(base_url: str, count: int) -> tuple[list[threading.Thread], list]:
    results: list = []
    threads = [threading.Thread(target=query, args=(base_url, results)) for _ in range(count)]
    for thread in threads:
        thread.start()
    return threads, results


def seconds_for_healthz(base_url: str) -> float:
    start = time.monotonic()
    with urllib.request.urlopen(f"{base_url}/healthz", timeout=TIMEOUT) as response:  # noqa: S310
        assert response.status == 200
    return time.monotonic() - start


def seconds_for_pong(client: WSClient) -> float:
    start = time.monotonic()
    client.send({"type": "ping"})
    while (message := json.loads(client.ws.recv(timeout=TIMEOUT)))["type"] != "pong":
        assert message["type"] == "ping", message  # the server's keep-alive: not the answer
    return time.monotonic() - start


def test_while_queries_wait_on_a_slow_redis_the_process_answers_others_at_once(
    slow_redis_server,
):
    url, proxy = slow_redis_server
    # At full speed first: the server's Redis connections are open and its scripts loaded.
    threads, warm = concurrently(url, SLOW_QUERIES)
    for thread in threads:
        thread.join()
    assert [status for status, _, _ in warm] == [200] * SLOW_QUERIES
    with WSClient(url) as client:
        assert client.ack["type"] == "connection_ack"
        assert seconds_for_pong(client) < PROMPT

        proxy.delay = DELAY
        try:
            threads, slow = concurrently(url, SLOW_QUERIES)
            time.sleep(DELAY / 3)  # the queries are now waiting on Redis for their points
            healthz = seconds_for_healthz(url)
            pong = seconds_for_pong(client)
            for thread in threads:
                thread.join()
        finally:
            proxy.delay = 0.0

    # The slow queries did wait on Redis (and were metered: their budget came from it) ...
    assert [status for status, _, _ in slow] == [200] * SLOW_QUERIES
    assert all(remaining is not None for _, remaining, _ in slow), slow
    assert min(seconds for _, _, seconds in slow) >= DELAY * 0.9
    # ... while the health check and the WebSocket ping did not wait for them.
    assert healthz < PROMPT, f"/healthz took {healthz:.2f} s while queries waited on Redis"
    assert pong < PROMPT, f"a WebSocket pong took {pong:.2f} s while queries waited on Redis"
