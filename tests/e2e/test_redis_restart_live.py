"""Redis crashes and comes back under a live daphne process, which is not restarted.

The server uses a Redis of the test's own (`redis-server`, in memory only) for its cache, its
channel layer and its rate limits. The test kills that Redis mid-run and starts it again on the
same port. Meanwhile the API answers as the README says (rate limits fail open, the cache
misses, events are lost, a new subscription is told live updates are unavailable); once Redis is
back, the same process recovers on its own: the cache serves, budgets count again, and a
mutation's event reaches subscribers — the one subscribed before the crash and a new one.
"""

import hashlib
import json
import time
import urllib.error
import urllib.request

import pytest

from tests.e2e.redis_process import RedisProcess, needs_redis_server
from tests.e2e.server import daphne, sqlite_server_env
from tests.e2e.test_faults_live import get_status, seed_database
from tests.e2e.test_faults_live import post as post_graphql
from tests.e2e.ws_client import TIMEOUT, WSClient, settle

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e"), needs_redis_server]

RATE = "mutation($b: ID!, $v: Float!) { rateBook(bookId: $b, value: $v) { errors { code } } }"
RATINGS = "subscription($b: ID!) { bookActivity(bookId: $b) { rating { value } } }"
# Rate limits retry Redis 5 s after a failure; readiness and the rest reconnect sooner.
RECOVERY_SECONDS = 20


@pytest.fixture(scope="module")
def redis_and_server(tmp_path_factory):
    """(Redis process, base URL, seed) of a server on a Redis the test can stop and start."""
    tmp = tmp_path_factory.mktemp("redis-restart")
    redis = RedisProcess(tmp)
    redis.start()
    try:
        env = sqlite_server_env(tmp, REDIS_URL=redis.url, IMPORT_RUNNER="thread")
        seed = seed_database(env)
        with daphne(env) as url:
            yield redis, url, seed
    finally:
        redis.stop()


def remaining(url: str) -> int | None:
    """The RateLimit-Remaining of an anonymous `{ __typename }` (None: not metered)."""
    status, headers, body = post_graphql(url, "{ __typename }")
    assert status == 200, body
    return None if headers["RateLimit-Remaining"] is None else int(headers["RateLimit-Remaining"])


def persisted(url: str, query: str, *, with_query: bool) -> dict:
    """An APQ request (the cache keeps the query under its hash); the response body."""
    digest = hashlib.sha256(query.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    body = {"extensions": extensions, **({"query": query} if with_query else {})}
    request = urllib.request.Request(  # noqa: S310 - local URL
        f"{url}/graphql",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        return json.loads(error.read())


def cache_serves(url: str, query: str) -> bool:
    """Whether a query the client persists is then found by its hash alone."""
    assert "errors" not in persisted(url, query, with_query=True)
    return "data" in persisted(url, query, with_query=False)


def rate(url: str, seed: dict, value: float) -> None:
    token = seed["users"]["bob"]["token"]
    status, _, body = post_graphql(url, RATE, {"b": seed["book"], "v": value}, token)
    assert status == 200, body
    assert body["data"] == {"rateBook": {"errors": []}}, body


def next_rating(client: WSClient, op_id: str) -> float:
    return client.next_data(op_id)["bookActivity"]["rating"]["value"]


def eventually(check, what: str, timeout: float = RECOVERY_SECONDS):
    deadline = time.monotonic() + timeout
    while not (result := check()):
        assert time.monotonic() < deadline, f"{what}: not within {timeout} s"
        time.sleep(0.25)
    return result


def test_after_redis_crashes_and_comes_back_the_same_server_recovers(redis_and_server):
    redis, url, seed = redis_and_server
    ada = seed["users"]["ada"]["token"]
    book = {"b": seed["book"]}
    with WSClient.as_user(url, ada) as before, WSClient.as_user(url, ada) as during:
        before.subscribe("before", RATINGS, book)
        settle(before)
        rate(url, seed, 4)
        assert next_rating(before, "before") == 4
        first = remaining(url)
        assert remaining(url) == first - 1
        assert cache_serves(url, "query UpBefore { __typename }")
        assert get_status(f"{url}/readyz") == 200

        redis.stop()
        # Rate limits fail open: answered, unmetered, no RateLimit headers.
        assert remaining(url) is None
        assert remaining(url) is None
        # The cache misses: a query persisted now is not found by its hash (the client resends
        # it whole, as the README's APQ section says), and the server is not ready.
        assert not cache_serves(url, "query Down { __typename }")
        assert get_status(f"{url}/readyz") == 503
        # Mutations still answer; their events are lost.
        rate(url, seed, 3)
        # A new subscription to a book this process does not listen to yet is told that live
        # updates are unavailable; one to a book it listens to already is accepted.
        during.subscribe("elsewhere", RATINGS, {"b": seed["other_book"]})
        refused = during.receive()
        errors = refused["payload"]["errors"] if refused["type"] == "next" else refused["payload"]
        assert errors[0]["extensions"]["code"] == "SERVICE_UNAVAILABLE", refused
        assert during.receive() == {"id": "elsewhere", "type": "complete"}
        during.subscribe("during", RATINGS, book)

        redis.start()
        eventually(lambda: get_status(f"{url}/readyz") == 200, "/readyz 200 again")
        # The cache serves again.
        assert cache_serves(url, "query UpAfter { __typename }")
        # Budgets count again (the restarted Redis is empty: a fresh window).
        again = eventually(lambda: remaining(url), "RateLimit headers again")
        assert remaining(url) == again - 1
        # Events flow again: to the subscriber from before the crash, to the one accepted
        # during it, and to a new one (the lost event is not replayed: the next is the new one).
        with WSClient.as_user(url, ada) as after:
            after.subscribe("after", RATINGS, book)
            settle(after)
            rate(url, seed, 2)
            assert next_rating(after, "after") == 2
            assert next_rating(during, "during") == 2
            assert next_rating(before, "before") == 2
