"""Two daphne processes on PostgreSQL + Redis: a mutation served by one reaches a subscriber
on the other, through the Redis channel layer.

Runs when DATABASE_URL is PostgreSQL and REDIS_URL is Redis (CI's first pass). The servers share
a fresh database on DATABASE_URL's server (tests/e2e/server.py: live_database) and REDIS_URL,
under a key prefix of their own, so the in-process tests sharing REDIS_URL never hear their events.
"""

from contextlib import ExitStack

import pytest

from tests.e2e.server import (
    ON_POSTGRES_AND_REDIS,
    daphne,
    live_database,
    seed,
    services_server_env,
)
from tests.e2e.ws_client import WSClient, http_graphql, settle

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("e2e"),
    pytest.mark.skipif(
        not ON_POSTGRES_AND_REDIS, reason="needs DATABASE_URL on PostgreSQL and REDIS_URL on Redis"
    ),
]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """(URL of server one, URL of server two, seed)."""
    tmp = tmp_path_factory.mktemp("ws-cluster")
    with live_database(tmp) as database_url, ExitStack() as stack:
        # One environment for both: the same database, Redis and key prefix (channel groups).
        env = services_server_env(tmp, database_url)
        seeded = seed(env)
        urls = [stack.enter_context(daphne(env)) for _ in range(2)]
        yield urls[0], urls[1], seeded


def test_a_mutation_on_one_process_reaches_a_subscriber_on_the_other(cluster):
    one, two, seed = cluster
    ada, bob, cyd = (seed["users"][name] for name in ("ada", "bob", "cyd"))
    with (
        WSClient.as_user(one, ada["token"]) as ada_ws,
        WSClient.as_user(one, cyd["token"]) as cyd_ws,
    ):
        ada_ws.subscribe("n", "subscription { notificationAdded { unreadCount } }")
        ada_ws.subscribe(
            "b",
            "subscription($b: ID!) { bookActivity(bookId: $b) { rating { value } } }",
            {"b": seed["book"]},
        )
        cyd_ws.subscribe("f", "subscription { followEvents { follower { username } } }")
        settle(ada_ws)
        settle(cyd_ws)
        follow = "mutation($id: ID!) { follow(userId: $id) { errors { code } } }"
        http_graphql(two, follow, {"id": ada["id"]}, bob["token"])
        assert ada_ws.next_data("n") == {"notificationAdded": {"unreadCount": 1}}
        rate = "mutation($b: ID!) { rateBook(bookId: $b, value: 4.5) { errors { code } } }"
        http_graphql(two, rate, {"b": seed["book"]}, bob["token"])
        assert ada_ws.next_data("b") == {"bookActivity": {"rating": {"value": 4.5}}}
        # Cyd's stream carried nothing of Ada's: its first event is Cyd's own.
        http_graphql(two, follow, {"id": cyd["id"]}, bob["token"])
        assert cyd_ws.next_data("f") == {"followEvents": {"follower": {"username": "bob"}}}
