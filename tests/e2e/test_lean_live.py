"""The lean path for /graphql on live daphne processes (booknest/lean.py).

- Two servers on one database, `GRAPHQL_LEAN_PATH` on and off: the same requests over real
  sockets get the same status, headers (but the date and the request id) and body.
- Database connections go back to the pool after each request: a server whose pool holds two
  connections answers many more requests than that, one after the other and ten at a time,
  without waiting for a connection (PostgreSQL only: SQLite has no pool).
"""

import http.client
import json
import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.e2e.server import daphne, migrate, sqlite_server_env

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

DATABASE_URL = os.environ.get("DATABASE_URL", "")
BOOKS = {"query": "{ books(first: 2) { totalCount edges { node { title } } } }"}
VARYING = {"date", "x-request-id"}


def request(base_url: str, method: str, body: dict | bytes | None = None, **headers):
    """(status, headers as a list of lowercase pairs, body) of one request to /graphql."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    if isinstance(body, dict):
        body = json.dumps(body).encode()
        headers.setdefault("Content-Type", "application/json")
    try:
        connection.request(method, "/graphql", body=body, headers=headers)
        response = connection.getresponse()
        return (
            response.status,
            [(k.lower(), v) for k, v in response.getheaders() if k.lower() not in VARYING],
            response.read(),
        )
    finally:
        connection.close()


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """(Django's handler, the lean path): two daphne processes on one SQLite database."""
    tmp = tmp_path_factory.mktemp("lean")
    env = sqlite_server_env(
        tmp,
        RATE_LIMIT_ENABLED="false",
        CORS_ALLOWED_ORIGINS="https://app.example",
        GRAPHIQL_ENABLED="true",
    )
    migrate(env)
    with (
        daphne({**env, "GRAPHQL_LEAN_PATH": "false"}) as django,
        daphne({**env, "GRAPHQL_LEAN_PATH": "true"}) as lean,
    ):
        yield django, lean


@pytest.mark.parametrize(
    ("method", "body", "headers"),
    [
        ("POST", BOOKS, {}),
        ("POST", BOOKS, {"Accept": "application/graphql-response+json", "Authorization": "JWT x"}),
        ("POST", b"{", {"Content-Type": "application/json"}),
        ("POST", b"query", {"Content-Type": "text/plain"}),
        ("GET", None, {"Host": "evil.example"}),
        ("PUT", None, {}),
        ("GET", None, {"Accept": "text/html"}),  # GraphiQL
        (
            "OPTIONS",
            None,
            {"Origin": "https://app.example", "Access-Control-Request-Method": "POST"},
        ),
        ("POST", BOOKS, {"Origin": "https://app.example"}),
    ],
)
def test_both_paths_answer_the_same_over_a_socket(servers, method, body, headers):
    django, lean = servers
    answers = [request(url, method, body, **headers) for url in (django, lean)]
    assert answers[1] == answers[0]


@pytest.fixture(scope="module")
def small_pool(tmp_path_factory):
    if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
        pytest.skip("needs DATABASE_URL on PostgreSQL")
    import psycopg

    parts = urlsplit(DATABASE_URL)
    name = f"booknest_lean_{uuid.uuid4().hex[:10]}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        env = sqlite_server_env(
            tmp_path_factory.mktemp("pool"),
            DATABASE_URL=urlunsplit(parts._replace(path=f"/{name}")),
            DATABASE_POOL_MIN_SIZE="1",
            DATABASE_POOL_MAX_SIZE="2",
            DATABASE_POOL_TIMEOUT="2",  # a connection that never came back: a 503 after 2 s
            RATE_LIMIT_ENABLED="false",
        )
        migrate(env)
        with daphne(env) as url:
            yield url
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_connections_go_back_to_the_pool(small_pool):
    for _ in range(6):
        status, _, body = request(small_pool, "POST", BOOKS)
        assert status == 200, body
        assert json.loads(body)["data"]["books"]["totalCount"] == 0
    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(lambda _: request(small_pool, "POST", BOOKS), range(20)))
    assert [status for status, _, _ in answers] == [200] * 20
