"""Two daphne processes on PostgreSQL + Redis: a mutation served by one reaches a subscriber
on the other, through the Redis channel layer.

Runs when DATABASE_URL is PostgreSQL and REDIS_URL is Redis (CI's first pass). The servers get
a fresh database of their own (created, migrated, dropped here) and the next Redis database
number, so the in-process tests sharing REDIS_URL's groups never hear their events.
"""

import json
import os
import subprocess
import sys
import uuid
from contextlib import ExitStack
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import ROOT
from tests.e2e.server import BIN, free_port, live_server, server_env
from tests.e2e.ws_client import WSClient, http_graphql, settle

DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("e2e"),
    pytest.mark.skipif(
        not DATABASE_URL.startswith(("postgres://", "postgresql://"))
        or not REDIS_URL.startswith("redis://"),
        reason="needs DATABASE_URL on PostgreSQL and REDIS_URL on Redis",
    ),
]


def with_path(url: str, path: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=path))


def next_redis_db(url: str) -> str:
    current = urlsplit(url).path.strip("/") or "0"
    return with_path(url, f"/{(int(current) + 1) % 16}")


@pytest.fixture(scope="module")
def database():
    """A fresh, migrated PostgreSQL database for the servers; dropped afterwards."""
    import psycopg

    name = f"booknest_ws_{uuid.uuid4().hex[:10]}"
    admin_url = with_path(DATABASE_URL, "/postgres")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_path(DATABASE_URL, f"/{name}")
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def cluster(database, tmp_path_factory):
    """(URL of server one, URL of server two, seed)."""
    env = server_env(
        DATABASE_URL=database,
        REDIS_URL=next_redis_db(REDIS_URL),
        DJANGO_MEDIA_ROOT=str(tmp_path_factory.mktemp("ws-cluster")),
        DJANGO_SECRET_KEY="ws-cluster-tests-only-not-a-secret",
        DJANGO_DEBUG="false",
        EMAIL_URL="locmem://",
    )
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    seeded = subprocess.run(
        [python, "-m", "tests.e2e.ws_seed"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    with ExitStack() as stack:
        urls = []
        for _ in range(2):
            port = free_port()
            command = [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port)]
            server = live_server([*command, "booknest.asgi:application"], env, port)
            urls.append(stack.enter_context(server))
        yield urls[0], urls[1], json.loads(seeded.stdout)


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
