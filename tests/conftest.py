"""Shared fixtures. Tests run on PostgreSQL + Redis when DATABASE_URL / REDIS_URL are set."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
# CI installs every program the tests drive (.ci/run): there, a test that would skip for want
# of one fails instead, so that a missing install step cannot pass as green.
IN_CI = os.environ.get("CI", "").lower() in ("true", "1")


def _skipped_by_condition(item: pytest.Item) -> bool:
    """True when a `skipif` mark with a true condition skipped the item: a pass without the
    services a test needs (the embedded pass has no PostgreSQL), not a missing program."""
    return any(mark.args and mark.args[0] is True for mark in item.iter_markers("skipif"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every transactional test restores the database's first rows when it ends
    (`serialized_rollback`): content types, permissions and the rows data migrations wrote
    (notification types, content warnings …). Without it, the flush that ends such a test
    re-creates content types under new ids (a later test restoring the first rows then collides
    with them, and ids cached in-process point nowhere) and leaves the data migrations' rows
    out, so a transactional test's outcome would depend on which ran before it in its worker."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None or not marker.kwargs.get("transaction"):
            continue
        if "serialized_rollback" not in marker.kwargs:
            kwargs = {**marker.kwargs, "serialized_rollback": True}
            item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    marker = item.get_closest_marker("tools")
    if IN_CI and marker and report.skipped and not _skipped_by_condition(item):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = (
            f"skipped in CI, which must provide {', '.join(marker.args)} (.ci/run): {reason}"
        )
    return report


@pytest.fixture
def shared_data() -> Path:
    """The shared data folder (goodbooks-10k, book-crossing); skips the test when absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


# BOOKNEST_DIFFERENTIAL=1: every query operation a test sends is sent again with the compiled
# read path off (PostgreSQL only), and both answers must be the same (`make test-differential`).
DIFFERENTIAL = os.environ.get("BOOKNEST_DIFFERENTIAL") == "1"


def comparable(body: dict) -> dict:
    """What must be equal on both read paths: data, and each error's message, path and code."""
    errors = [
        (e.get("message"), e.get("path"), (e.get("extensions") or {}).get("code"))
        for e in body.get("errors") or ()
    ]
    return {"data": body.get("data"), "errors": errors}


def is_query(query: str) -> bool:
    from graphql import GraphQLError, OperationDefinitionNode, parse

    try:
        document = parse(query)
    except GraphQLError:
        return False
    return all(
        d.operation.value == "query"
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
    )


class GraphQLClient:
    """Posts GraphQL operations to /graphql as a client would, and returns the decoded body."""

    def __init__(self, client):
        self.client = client
        self.headers: dict[str, str] = {}

    def __call__(self, query: str, variables: dict | None = None, **headers) -> dict:
        body = self.once(query, variables, **headers)
        if DIFFERENTIAL and is_query(query):
            from django.conf import settings
            from django.db import connection
            from django.test import override_settings

            if connection.vendor == "postgresql" and settings.GRAPHQL_COMPILED_READS:
                with override_settings(GRAPHQL_COMPILED_READS=False):
                    other = self._post(query, variables, headers).json()
                assert comparable(body) == comparable(other), (query, variables)
        return body

    def once(self, query: str, variables: dict | None = None, **headers) -> dict:
        """The decoded body, the operation sent once even with BOOKNEST_DIFFERENTIAL=1 (for
        tests that count what one request does)."""
        response = self._post(query, variables, headers)
        assert response.status_code in (200, 400), response.content[:500]
        return response.json()

    def _post(self, query: str, variables: dict | None, headers: dict):
        return self.client.post(
            "/graphql",
            {"query": query, "variables": variables or {}},
            content_type="application/json",
            headers={**self.headers, **headers},
        )

    def login(self, user) -> "GraphQLClient":
        """Send later operations as `user`, with a fresh access token in the header."""
        from apps.accounts.tokens import create_access_token

        token, _ = create_access_token(user)
        self.headers["Authorization"] = f"Bearer {token}"
        return self

    def logout(self) -> "GraphQLClient":
        self.headers.pop("Authorization", None)
        return self


@pytest.fixture
def client():
    """Django's test client, whose `/graphql` requests go through the project's ASGI
    application (booknest.asgi: the lean path unless GRAPHQL_LEAN_PATH is off), as in production
    (tests/asgi_client.py); other paths through Django's test handler."""
    from tests.asgi_client import ASGIClient

    return ASGIClient()


@pytest.fixture
def gql(client) -> GraphQLClient:
    return GraphQLClient(client)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 at production strength costs ~0.3 s a hash; tests check behaviour, not hash strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _isolated_rate_limits(monkeypatch):
    """Every test starts with fresh rate-limit budgets, login throttles and WebSocket counts.

    All tests come from 127.0.0.1 and, in CI, share one Redis database across xdist workers:
    a per-test key namespace keeps budgets from leaking between tests (or workers) while the
    real Redis scripts still run.
    """
    import uuid

    from apps.accounts import throttle
    from schema import ratelimit

    monkeypatch.setattr(throttle, "NAMESPACE", f"ratelimit-test-{uuid.uuid4().hex[:16]}")
    monkeypatch.setattr(throttle, "_redis_down_until", 0.0)
    monkeypatch.setattr(ratelimit, "connections", ratelimit.ConnectionCounts())


@pytest.fixture(autouse=True)
def _fresh_operations_registry():
    """Each process keeps a copy of the registered operations (apps/operations/registry.py): a
    rolled-back test's would otherwise linger in it. (The APQ cache is not cleared: it may be a
    Redis shared with parallel tests, so each test uses query texts of its own instead.)"""
    from apps.operations.registry import registry

    registry.clear()
    yield
    registry.clear()


@pytest.fixture(autouse=True, scope="session")
def _asgi_application_loaded():
    """Import the ASGI application once, before any test runs.

    Its first import calls django.setup() again, and with it logging's dictConfig, which drops
    the handler `caplog` installed: a test that was first in its worker to open a WebSocket then
    saw no log records (a flake that depended on xdist's distribution).
    """
    import booknest.asgi  # noqa: F401


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on a free port, with EMAIL_URL pointed at it."""
    from booknest.email_url import email_settings
    from tests.smtp import SMTPServer

    server = SMTPServer().start()
    for name, value in email_settings("EMAIL_URL", server.url).items():
        setattr(settings, name, value)
    try:
        yield server
    finally:
        server.settled()  # nothing still being sent to a server about to go away
        server.stop()
