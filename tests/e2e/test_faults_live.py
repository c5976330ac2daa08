"""Faults for real, on live daphne processes: Redis down, then PostgreSQL down and back.

- Redis down: REDIS_URL points at a port where nothing listens. Queries and mutations answer
  (caches bypassed, events not published), quickly; WebSockets still connect and run queries,
  and a subscription is told, with SERVICE_UNAVAILABLE, that live updates are unavailable.
- Database down (PostgreSQL only): the server reaches PostgreSQL through a small TCP proxy run
  by the test. Closing the proxy (and cutting its connections) makes /graphql answer 503
  SERVICE_UNAVAILABLE (with Retry-After and the request id) and /readyz 503; reopening it, the
  same process answers 200 again.
"""

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import ROOT
from tests.e2e.server import daphne, free_port, migrate, sqlite_server_env
from tests.e2e.ws_client import WSClient

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

DATABASE_URL = os.environ.get("DATABASE_URL", "")
BOOKS = "{ books(first: 2) { edges { node { title } } } }"
RATE = "mutation($b: ID!, $v: Float!) { rateBook(bookId: $b, value: $v) { errors { code } } }"
BOOK_ACTIVITY = "subscription($b: ID!) { bookActivity(bookId: $b) { book { title } } }"


def post(base_url: str, query: str, variables: dict | None = None, token: str = ""):
    """(status, headers, body) of one GraphQL POST, whatever the status."""
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(  # noqa: S310 - local URL
        f"{base_url}/graphql",
        data=body,
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.headers, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read())


def get_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - local URL
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def seed_database(env: dict[str, str]) -> dict:
    migrate(env)
    seeded = subprocess.run(
        [sys.executable, "-m", "tests.e2e.ws_seed"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return json.loads(seeded.stdout)


# --- Redis down ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def redis_down(tmp_path_factory):
    """(base URL, seed) of a server whose REDIS_URL points at a closed port."""
    tmp = tmp_path_factory.mktemp("redis-down")
    env = sqlite_server_env(tmp, IMPORT_RUNNER="thread")
    seed = seed_database(env)
    env["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    with daphne(env) as url:
        yield url, seed


def test_redis_down_queries_and_mutations_still_answer_quickly(redis_down):
    url, seed = redis_down
    started = time.monotonic()
    status, _, body = post(url, BOOKS)
    assert status == 200, body
    titles = {edge["node"]["title"] for edge in body["data"]["books"]["edges"]}
    assert titles == {"Live Book", "Other Book"}
    token = seed["users"]["bob"]["token"]
    for value in (4, 5):  # the second one too: nothing stays broken after the first failure
        status, _, body = post(url, RATE, {"b": seed["book"], "v": value}, token)
        assert status == 200, body
        assert body["data"] == {"rateBook": {"errors": []}}, body
    # Not waiting on Redis each time (the connection timeout is 1 s; this is 3 requests).
    assert time.monotonic() - started < 10


def test_redis_down_websockets_connect_and_subscriptions_report_the_outage(redis_down):
    url, seed = redis_down
    with WSClient.as_user(url, seed["users"]["ada"]["token"]) as client:
        client.subscribe("s", BOOK_ACTIVITY, {"b": seed["book"]})
        refused = client.receive()
        assert refused["id"] == "s"
        errors = refused["payload"]["errors"] if refused["type"] == "next" else refused["payload"]
        assert errors[0]["extensions"]["code"] == "SERVICE_UNAVAILABLE", refused
        assert errors[0]["message"].startswith("Live updates are unavailable"), refused
        assert "6379" not in json.dumps(refused) and "Error" not in errors[0]["message"]
        assert client.receive() == {"id": "s", "type": "complete"}
        # The connection carries on: a query over the same WebSocket is answered.
        client.subscribe("q", BOOKS)
        answer = client.next_data("q")
        assert len(answer["books"]["edges"]) == 2


# --- Database down and back (PostgreSQL) -----------------------------------------------------


class TcpProxy:
    """A TCP proxy to `target` on a port of its own, run on an asyncio loop in a thread.

    `close()` stops listening and cuts every open connection (as a database going away does);
    `open()` listens again on the same port.
    """

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()

    def _run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=10)

    def open(self) -> None:
        self._run(self._open())

    def close(self) -> None:
        self._run(self._close())

    def stop(self) -> None:
        self.close()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)

    async def _open(self) -> None:
        self.server = await asyncio.start_server(
            self._serve, "127.0.0.1", self.port, reuse_address=True
        )

    async def _close(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        for writer in list(self.writers):
            writer.transport.abort()
        self.writers.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self.writers |= {writer, upstream_writer}

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except (OSError, asyncio.IncompleteReadError):
                pass
            finally:
                sink.transport.abort()
                self.writers.discard(sink)

        await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))


def with_netloc_and_path(url: str, netloc: str, path: str) -> str:
    return urlunsplit(urlsplit(url)._replace(netloc=netloc, path=path))


@pytest.fixture(scope="module")
def database_behind_proxy(tmp_path_factory):
    """(base URL, seed, proxy): a server on a fresh PostgreSQL database reached via the proxy."""
    if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
        pytest.skip("needs DATABASE_URL on PostgreSQL")
    import psycopg

    parts = urlsplit(DATABASE_URL)
    name = f"booknest_faults_{uuid.uuid4().hex[:10]}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    proxy.open()
    try:
        tmp = tmp_path_factory.mktemp("db-down")
        env = sqlite_server_env(
            tmp,
            DATABASE_URL=urlunsplit(parts._replace(path=f"/{name}")),
            IMPORT_RUNNER="thread",
            # How long a request waits for a connection during an outage before its 503.
            DATABASE_POOL_TIMEOUT="2",
        )
        seed = seed_database(env)
        netloc = parts.netloc.rsplit("@", 1)
        user = f"{netloc[0]}@" if len(netloc) == 2 else ""
        env["DATABASE_URL"] = with_netloc_and_path(
            DATABASE_URL, f"{user}127.0.0.1:{proxy.port}", f"/{name}"
        )
        with daphne(env) as url:
            yield url, seed, proxy
    finally:
        proxy.stop()
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def assert_unavailable(status, headers, body) -> None:
    assert status == 503, body
    assert "data" not in body or body["data"] is None or body["data"] == {}, body
    error = body["errors"][0]
    assert error["message"] == "The database is unavailable; retry shortly.", body
    assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert error["extensions"]["requestId"] == headers["X-Request-ID"]
    assert int(headers["Retry-After"]) > 0
    text = json.dumps(body)
    for leak in ("psycopg", "Traceback", "OperationalError", "connection", "127.0.0.1"):
        assert leak not in text, text


def test_database_down_answers_503_and_recovers_without_restart(database_behind_proxy):
    url, seed, proxy = database_behind_proxy
    token = seed["users"]["ada"]["token"]
    status, _, body = post(url, BOOKS)
    assert status == 200 and len(body["data"]["books"]["edges"]) == 2, body
    assert get_status(f"{url}/readyz") == 200

    proxy.close()
    try:
        assert_unavailable(*post(url, BOOKS))  # fails inside GraphQL (masking)
        assert_unavailable(*post(url, "{ me { username } }", token=token))  # the token lookup
        assert get_status(f"{url}/readyz") == 503
        assert get_status(f"{url}/healthz") == 200  # the process itself is fine
    finally:
        proxy.open()

    deadline = time.monotonic() + 30
    while True:
        status, _, body = post(url, "{ me { username } }", token=token)
        if status == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert status == 200, body
    assert body["data"] == {"me": {"username": "ada"}}
    assert get_status(f"{url}/readyz") == 200
