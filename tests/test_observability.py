"""One structured log record per GraphQL operation, and JSON log lines for log shippers."""

import asyncio
import json
import logging
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext
from strawberry.relay import to_base64

from apps.catalog.models import Book
from schema.observability import counting_queries
from tests.conftest import ROOT
from tests.e2e.server import BIN, free_port, server_env, sqlite_server_env, wait_until_up
from tests.factories import make_author, make_book, make_user

BOOKS = """query Books($first: Int!) {
  books(first: $first) { totalCount edges { node { title authors { name } } } }
}"""
RATE = """mutation Rate($b: ID!, $v: Float!) {
  rateBook(bookId: $b, value: $v) { errors { code } }
}"""
BOOK_ACTIVITY = """subscription Activity($b: ID!) {
  bookActivity(bookId: $b) { rating { value } }
}"""
FIELDS = {
    "request_id",
    "transport",
    "operation_name",
    "operation_type",
    "duration_ms",
    "sql_queries",
    "cost",
    "user_id",
    "outcome",
    "error_codes",
}


def operation_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "booknest.operations"]


@pytest.fixture
def oplog(caplog):
    caplog.set_level(logging.INFO, logger="booknest.operations")
    return caplog


# --- the record of each operation ------------------------------------------------------------


@pytest.mark.django_db
def test_a_query_is_logged_once_with_its_fields_and_exact_sql_count(gql, oplog):
    for i in range(3):
        make_book(f"Book {i}", authors=[make_author(f"Writer {i}")])
    with CaptureQueriesContext(connection) as queries:
        result = gql.once(BOOKS, {"first": 10}, **{"X-Request-ID": "req-query-0001"})
    assert "errors" not in result, result
    assert result["data"]["books"]["totalCount"] == 3

    [record] = operation_records(oplog)
    assert record.levelno == logging.INFO
    assert set(vars(record)) >= FIELDS
    assert record.request_id == "req-query-0001"
    assert record.transport == "http"
    assert (record.operation_name, record.operation_type) == ("Books", "query")
    assert record.outcome == "ok" and record.error_codes == []
    assert record.user_id is None
    assert record.duration_ms > 0
    assert isinstance(record.cost, int) and record.cost > 0  # set by the operation limits
    # Every statement Django ran for this request, in whatever thread, is the operation's.
    assert record.sql_queries == len(queries.captured_queries) > 0
    assert "Books" in record.getMessage()


@pytest.mark.django_db
def test_a_mutation_is_logged_with_its_viewer(gql, oplog):
    reader, book = make_user("reader"), make_book("Dune")
    gql.login(reader)
    with CaptureQueriesContext(connection) as queries:
        result = gql(RATE, {"b": to_base64("Book", book.pk), "v": 4})
    assert result["data"]["rateBook"]["errors"] == [], result

    [record] = operation_records(oplog)
    assert (record.operation_name, record.operation_type) == ("Rate", "mutation")
    assert record.user_id == reader.pk
    assert record.outcome == "ok"
    # The token's user is asked for as the operation starts (schema/auth.py): it counts.
    assert '"accounts_user"' in queries.captured_queries[0]["sql"]
    assert record.sql_queries == len(queries.captured_queries) > 1
    assert record.request_id  # made by the server when the client sends none


@pytest.mark.django_db
def test_refused_documents_are_logged_as_refused_with_a_code(gql, oplog):
    gql("query Broken {")
    gql.once("query Unknown { noSuchField }")
    broken, unknown = operation_records(oplog)
    assert (broken.outcome, broken.error_codes) == ("refused", ["GRAPHQL_PARSE_FAILED"])
    assert broken.operation_type == "unknown"  # it never parsed
    assert (unknown.outcome, unknown.error_codes) == ("refused", ["GRAPHQL_VALIDATION_FAILED"])
    assert unknown.operation_name == "Unknown"
    assert unknown.sql_queries == 0


@pytest.mark.django_db
def test_an_unexpected_exception_is_logged_as_an_error(gql, oplog, monkeypatch, settings):
    from schema.catalog import queries as catalog_queries

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is on fire")

    settings.GRAPHQL_COMPILED_READS = False  # a resolver that raises: the resolver path
    monkeypatch.setattr(catalog_queries, "book_rows", broken)
    book = make_book("Dune")
    result = gql(
        "query One($id: ID) { book(id: $id) { title } }", {"id": to_base64("Book", book.pk)}
    )
    assert result["errors"], result

    [record] = operation_records(oplog)
    assert record.outcome == "error"
    assert record.error_codes == ["INTERNAL_SERVER_ERROR"]


@pytest.mark.django_db
def test_anonymous_operations_have_no_name(gql, oplog):
    gql.once("{ __typename }")
    [record] = operation_records(oplog)
    assert record.operation_name is None
    assert record.outcome == "ok" and record.sql_queries == 0


# --- SQL counting across threads and concurrent operations ----------------------------------


@pytest.mark.django_db(transaction=True)
def test_sql_count_follows_the_operation_into_worker_threads():
    """Subscriptions read events in `thread_sensitive=False` threads, loaders in the shared
    sync thread: both inherit the operation's counter, and a thread's own connection (made
    there) counts too."""
    make_book("Dune")
    seen: dict[str, int] = {}

    def read(label: str) -> None:
        with CaptureQueriesContext(connection) as queries:
            list(Book.objects.all())
            Book.objects.count()
        seen[label] = len(queries.captured_queries)
        connection.close()

    async def operation() -> int:
        with counting_queries() as counter:
            await sync_to_async(read, thread_sensitive=False)("worker")
            await sync_to_async(read, thread_sensitive=True)("shared")
            # Concurrent tasks of the operation (DataLoaders, async resolvers) count too.
            await asyncio.gather(
                sync_to_async(read, thread_sensitive=False)("a"),
                sync_to_async(read, thread_sensitive=False)("b"),
            )
        return counter.count

    counted = async_to_sync(operation)()
    assert counted == sum(seen.values()) == 8


@pytest.mark.django_db(transaction=True)
def test_concurrent_operations_keep_their_own_counts():
    make_book("Dune")

    def read(times: int) -> None:
        for _ in range(times):
            Book.objects.count()
        connection.close()

    async def operation(times: int) -> int:
        with counting_queries() as counter:
            await sync_to_async(read, thread_sensitive=False)(times)
            await asyncio.sleep(0.01)
            await sync_to_async(read, thread_sensitive=False)(times)
        return counter.count

    async def both() -> list[int]:
        return await asyncio.gather(operation(1), operation(5))

    assert async_to_sync(both)() == [2, 10]


def test_nothing_is_counted_outside_an_operation():
    """Queries of no operation (a management command) pay one context-variable lookup."""
    with counting_queries() as outer, counting_queries() as inner:
        pass
    assert outer.count == inner.count == 0


# --- LOG_FORMAT ------------------------------------------------------------------------------


def settings_value(name: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in server_env().items() if not k.startswith(("DJANGO_", "LOG_"))}
    return subprocess.run(
        [sys.executable, "-c", f"from booknest import settings; print(settings.{name})"],
        cwd=ROOT,
        env={**clean, "DJANGO_SECRET_KEY": "x" * 50, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_log_format_defaults_to_json_in_production_and_plain_in_debug():
    assert settings_value("LOG_FORMAT").stdout.strip() == "json"
    assert settings_value("LOG_FORMAT", DJANGO_DEBUG="true").stdout.strip() == "plain"
    assert settings_value("LOG_FORMAT", LOG_FORMAT="PLAIN").stdout.strip() == "plain"
    refused = settings_value("LOG_FORMAT", LOG_FORMAT="xml")
    assert refused.returncode != 0
    assert "LOG_FORMAT" in refused.stderr and "json or plain" in refused.stderr


# --- a live server: every line JSON, the request id in it, subscriptions ---------------------


@dataclass
class Live:
    url: str
    seed: dict
    log: Path

    def lines(self) -> list[str]:
        return [line for line in self.log.read_text().splitlines() if line.strip()]

    def records(self) -> list[dict]:
        return [json.loads(line) for line in self.lines()]

    def wait_for(self, predicate, timeout: float = 15) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for record in self.records():
                if predicate(record):
                    return record
            time.sleep(0.1)
        raise AssertionError(f"no such log record; last lines: {self.lines()[-10:]}")


@contextmanager
def live_daphne(tmp: Path, *, seed: bool = True, **env: str) -> Iterator[Live]:
    """A migrated (and seeded) daphne on a throwaway SQLite file, its output in a file.

    The in-memory channel layer (one process) unless `REDIS_URL` is given.
    """
    environment = sqlite_server_env(tmp, **env)
    python = sys.executable
    seeded: dict = {}
    if seed:
        subprocess.run(
            [python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=environment, check=True
        )
        out = subprocess.run(
            [python, "-m", "tests.e2e.ws_seed"],
            cwd=ROOT,
            env=environment,
            check=True,
            capture_output=True,
        )
        seeded = json.loads(out.stdout)
    port = free_port()
    log = tmp / "server.log"
    command = [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port)]
    with log.open("w") as output:
        process = subprocess.Popen(
            [*command, "booknest.asgi:application"],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/healthz", process)
        yield Live(url, seeded, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def post(url: str, query: str, variables: dict | None = None, **headers: str) -> dict:
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(  # noqa: S310 - local URL
        f"{url}/graphql",
        data=body,
        headers={"Content-Type": "application/json", **headers},
    )
    with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
        return json.loads(response.read())


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("observability-live")
    with live_daphne(tmp, LOG_FORMAT="json", LOG_LEVEL="DEBUG") as server:
        yield server


@pytest.mark.e2e
@pytest.mark.xdist_group("e2e")
def test_live_log_lines_are_json_and_carry_the_request_id(live):
    result = post(live.url, BOOKS, {"first": 2}, **{"X-Request-ID": "live-json-0001"})
    assert "errors" not in result, result
    record = live.wait_for(
        lambda r: (
            r.get("logger") == "booknest.operations" and r.get("request_id") == "live-json-0001"
        )
    )
    assert set(record) >= FIELDS
    assert {"timestamp", "level", "message"} <= set(record)
    assert record["level"] == "INFO" and record["timestamp"].endswith("Z")
    assert (record["operation_name"], record["outcome"]) == ("Books", "ok")
    assert record["sql_queries"] > 0
    for line in live.lines():  # every line, daphne's and Django's included, is JSON
        assert isinstance(json.loads(line), dict), line


@pytest.mark.e2e
@pytest.mark.xdist_group("e2e")
def test_live_subscription_is_logged_when_subscribed_and_counts_its_events_sql(live):
    from tests.e2e.ws_client import WSClient, http_graphql, settle

    seed = live.seed
    with WSClient(live.url) as client:
        client.send(
            {
                "id": "s1",
                "type": "subscribe",
                "payload": {
                    "query": BOOK_ACTIVITY,
                    "variables": {"b": seed["book"]},
                    "operationName": "Activity",
                },
            }
        )
        settle(client)
        subscribed = live.wait_for(
            lambda r: r.get("operation_name") == "Activity" and r.get("outcome") is not None
        )
        assert subscribed["operation_type"] == "subscription"
        assert subscribed["transport"] == "ws"
        assert subscribed["outcome"] == "ok"
        assert subscribed["request_id"]  # the connection's
        rate = (
            "mutation($b: ID!, $v: Float!) { rateBook(bookId: $b, value: $v) { errors { code } } }"
        )
        http_graphql(live.url, rate, {"b": seed["book"], "v": 4}, seed["users"]["bob"]["token"])
        assert client.next_data("s1")["bookActivity"]["rating"] == {"value": 4.0}
        client.send({"id": "s1", "type": "complete"})
        ended = live.wait_for(
            lambda r: r.get("operation_name") == "Activity" and r.get("event") == "subscription_end"
        )
    # One INFO record for the subscription, not one per event.
    infos = [
        r
        for r in live.records()
        if r.get("operation_name") == "Activity" and r.get("level") == "INFO"
    ]
    assert len(infos) == 1
    # The event's reads ran in a worker thread of their own (thread_sensitive=False) and were
    # counted for the subscription all the same.
    assert ended["sql_queries"] > subscribed["sql_queries"]
    assert ended["request_id"] == subscribed["request_id"]


def test_a_request_refused_before_the_schema_is_logged_and_counted(oplog, rf):
    from prometheus_client import REGISTRY

    from schema.observability import record_refused_request

    labels = {"operation": "Lookup", "type": "unknown", "outcome": "refused"}
    before = REGISTRY.get_sample_value("booknest_graphql_operations_total", labels) or 0
    request = rf.post("/graphql")
    request.request_id = "refused-request-1"
    record_refused_request(request, "PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound", "Lookup")

    [record] = operation_records(oplog)
    assert set(vars(record)) >= FIELDS
    assert record.request_id == "refused-request-1"
    assert (record.outcome, record.error_codes) == ("refused", ["PERSISTED_QUERY_NOT_FOUND"])
    assert REGISTRY.get_sample_value("booknest_graphql_operations_total", labels) == before + 1


@pytest.mark.django_db
def test_a_query_over_a_limit_is_logged_as_refused_with_the_limits_code(gql, oplog, settings):
    settings.GRAPHQL_MAX_DEPTH = 2
    result = gql.once(BOOKS, {"first": 1})
    codes = [e.get("extensions", {}).get("code") for e in result["errors"]]
    [record] = operation_records(oplog)
    assert record.outcome == "refused"
    assert record.error_codes == codes == ["QUERY_TOO_DEEP"]
    assert record.sql_queries == 0


@pytest.mark.django_db
def test_requests_strawberry_refuses_are_the_clients_not_errors(client, oplog):
    mutation = 'mutation Rate { rateBook(bookId: "x", value: 1) { errors { code } } }'
    assert client.get("/graphql", {"query": mutation}).status_code == 405
    client.post(
        "/graphql",
        {"query": "query A { __typename }", "operationName": "B"},
        "application/json",
    )
    over_get, unknown_name = operation_records(oplog)
    assert (over_get.outcome, over_get.error_codes) == ("refused", ["METHOD_NOT_ALLOWED"])
    assert unknown_name.outcome == "refused"
    assert unknown_name.error_codes == ["OPERATION_RESOLUTION_FAILURE"]


@pytest.mark.e2e
@pytest.mark.xdist_group("e2e")
def test_live_subscription_refused_by_its_resolver_logs_the_error(live):
    from tests.e2e.ws_client import WSClient

    with WSClient(live.url) as client:  # anonymous: notifications need a login
        query = "subscription Mine { notificationAdded { unreadCount } }"
        client.send({"id": "m", "type": "subscribe", "payload": {"query": query}})
        refused = client.receive()
        assert "UNAUTHENTICATED" in json.dumps(refused), refused
        error = live.wait_for(
            lambda r: r.get("operation_name") == "Mine" and r.get("event") == "subscription_error"
        )
    assert error["level"] == "WARNING"
    assert error["error_codes"] == ["UNAUTHENTICATED"]
    assert error["transport"] == "ws" and error["user_id"] is None
