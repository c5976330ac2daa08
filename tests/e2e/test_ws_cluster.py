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
from tests.e2e.ws_client import WSClient, closed_by_server, http_graphql, log_in, settle
from tests.e2e.ws_seed import LIV_PASSWORD

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("e2e"),
    pytest.mark.skipif(
        not ON_POSTGRES_AND_REDIS, reason="needs DATABASE_URL on PostgreSQL and REDIS_URL on Redis"
    ),
]


FOLLOW = "mutation($id: ID!) { follow(userId: $id) { errors { code } } }"
UNFOLLOW = "mutation($id: ID!) { unfollow(userId: $id) { errors { code } } }"
REVOKE_SESSION = "mutation($id: ID!) { revokeSession(id: $id) { id errors { code } } }"
CREATE_PAT = """mutation { createPersonalAccessToken(input: {name: "script", scopes: [READ]}) {
  token personalAccessToken { id } } }"""


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


def test_a_revocation_on_one_process_closes_the_socket_on_the_other(cluster):
    """Liv subscribes on process one from two devices and a script; she revokes one session,
    then the script's token, through process two: each socket closes at once (4403) over
    Redis, while the others keep hearing events published on process two."""
    one, two, seed = cluster
    bob, liv = seed["users"]["bob"], seed["users"]["liv"]
    laptop, phone = (log_in(two, "liv", LIV_PASSWORD) for _ in range(2))
    made = http_graphql(two, CREATE_PAT, {}, phone["token"])["createPersonalAccessToken"]
    follows = "subscription { followEvents { following } }"
    toggle = iter([FOLLOW, UNFOLLOW] * 3)

    def heard_by(*clients: WSClient) -> None:
        mutation = next(toggle)
        http_graphql(two, mutation, {"id": liv["id"]}, bob["token"])
        for client in clients:
            assert client.next_data("f") == {"followEvents": {"following": mutation == FOLLOW}}

    with (
        WSClient.as_user(one, laptop["token"]) as on_laptop,
        WSClient.as_user(one, phone["token"]) as on_phone,
        WSClient.as_user(one, made["token"]) as script,
    ):
        for client in (on_laptop, on_phone, script):
            client.subscribe("f", follows)
            settle(client)
        heard_by(on_laptop, on_phone, script)

        http_graphql(two, REVOKE_SESSION, {"id": laptop["sid"]}, phone["token"])
        assert closed_by_server(on_laptop) == (4403, "Forbidden: session revoked")
        heard_by(on_phone, script)

        revoke = "mutation($id: ID!) { revokePersonalAccessToken(id: $id) { errors { code } } }"
        http_graphql(two, revoke, {"id": made["personalAccessToken"]["id"]}, phone["token"])
        assert closed_by_server(script) == (4403, "Forbidden: personal access token revoked")
        heard_by(on_phone)
