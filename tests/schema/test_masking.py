"""Error masking (schema/masking.py): what a client sees of a bug, of an outage, of its mistakes.

A bug is injected into the search service (monkeypatch); the response must carry nothing of its
text, only a generic message and the request id that the `X-Request-ID` header and the log
record carry too.
"""

import json
import logging

import pytest
from django.db import OperationalError
from graphql import GraphQLError

from apps.core.errors import Invalid
from apps.search import services

# Imported here, not in the test: it runs django.setup(), whose logging setup would drop the
# handler `caplog` has installed.
from tests.factories import make_book
from tests.helpers import open_graphql_ws

pytestmark = pytest.mark.django_db

SECRET = "password=hunter2 SELECT * FROM accounts_user /srv/booknest/settings.py"
SEARCH = '{ search(query: "hobbit") { edges { node { __typename } } } }'


def post(client, query: str, variables: dict | None = None, **headers):
    return client.post(
        "/graphql",
        {"query": query, "variables": variables or {}},
        content_type="application/json",
        headers=headers,
    )


@pytest.fixture
def broken_search(monkeypatch):
    """The search service raises an unexpected exception whose text must never leak."""

    def explode(*args, **kwargs):
        raise KeyError(SECRET)

    monkeypatch.setattr(services, "search", explode)


@pytest.fixture
def database_gone(monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError(f'connection to server at "10.0.0.5", port 5432 failed: {SECRET}')

    monkeypatch.setattr(services, "search", unreachable)


def test_an_unexpected_error_is_masked_with_the_request_id(client, broken_search, caplog):
    response = post(client, SEARCH)
    assert response.status_code == 200
    body = response.json()
    request_id = response["X-Request-ID"]
    [error] = body["errors"]
    assert error["message"] == f"Internal server error. Request id: {request_id}."
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
    assert error["path"] == ["search"]
    text = response.content.decode()
    for fragment in ("hunter2", "SELECT", "settings.py", "KeyError", "Traceback"):
        assert fragment not in text


def test_the_log_has_the_traceback_and_the_request_id_once(client, broken_search, caplog):
    caplog.set_level(logging.INFO)
    response = post(client, SEARCH, **{"X-Request-ID": "client-chosen-id-42"})
    assert response["X-Request-ID"] == "client-chosen-id-42"
    assert response.json()["errors"][0]["extensions"]["requestId"] == "client-chosen-id-42"
    records = [r for r in caplog.records if r.exc_info and "hunter2" in str(r.exc_info[1])]
    assert len(records) == 1, [(r.name, r.getMessage()) for r in records]  # not twice
    [record] = records
    assert record.name == "booknest.errors"
    assert record.levelno == logging.ERROR
    assert record.request_id == "client-chosen-id-42"
    assert "client-chosen-id-42" in record.getMessage()
    assert "explode" in caplog.text  # the traceback, down to the failing function
    assert not [r for r in caplog.records if r.name == "strawberry.execution"]


def test_without_masking_the_message_stays_but_the_code_and_id_are_added(
    client, broken_search, settings
):
    settings.GRAPHQL_MASK_ERRORS = False
    response = post(client, SEARCH)
    [error] = response.json()["errors"]
    assert "hunter2" in error["message"]
    assert error["extensions"] == {
        "code": "INTERNAL_SERVER_ERROR",
        "requestId": response["X-Request-ID"],
    }


@pytest.mark.parametrize("masked", [True, False])
def test_an_unreachable_database_is_a_503_service_unavailable(
    client, database_gone, settings, masked
):
    settings.GRAPHQL_MASK_ERRORS = masked
    for accept in ("application/json", "application/graphql-response+json"):
        response = post(client, SEARCH, Accept=accept)
        assert response.status_code == 503
        assert int(response["Retry-After"]) > 0
        [error] = response.json()["errors"]
        assert error["message"] == "The database is unavailable; retry shortly."
        assert error["extensions"] == {
            "code": "SERVICE_UNAVAILABLE",
            "requestId": response["X-Request-ID"],
        }
        assert "10.0.0.5" not in response.content.decode()
        assert "hunter2" not in response.content.decode()


def test_expected_errors_keep_their_message_and_code(client, monkeypatch):
    # graphql-core's own: validation (the client's document).
    [error] = post(client, "{ nope }").json()["errors"]
    assert error["message"].startswith("Cannot query field 'nope' on type 'Query'.")
    assert "INTERNAL" not in json.dumps(error)
    # A variable that does not coerce.
    body = post(client, "query($n: Int!) { books(first: $n) { totalCount } }", {"n": "x"}).json()
    assert "Int cannot represent" in body["errors"][0]["message"]
    assert "INTERNAL" not in json.dumps(body)
    # Our GraphQLErrors with a code, and ServiceErrors.
    monkeypatch.setattr(
        services,
        "search",
        lambda *a, **k: (_ for _ in ()).throw(
            GraphQLError("Nothing to see.", extensions={"code": "NOT_ALLOWED"})
        ),
    )
    [error] = post(client, SEARCH).json()["errors"]
    assert error["message"] == "Nothing to see."
    assert error["extensions"] == {"code": "NOT_ALLOWED"}
    monkeypatch.setattr(
        services, "search", lambda *a, **k: (_ for _ in ()).throw(Invalid("Too vague."))
    )
    [error] = post(client, SEARCH).json()["errors"]
    assert error["message"] == "Too vague."
    assert error["extensions"]["code"] == "INVALID"


def test_bad_pagination_arguments_are_clear_errors_not_bugs(client):
    make_book("Emma")
    cases = {
        "{ books(first: -1) { totalCount } }": ("INVALID", "first"),
        '{ books(after: "garbage") { totalCount } }': ("INVALID", "cursor"),
    }
    for query, (code, words) in cases.items():
        response = post(client, query)
        assert response.status_code == 200, query
        [error] = response.json()["errors"]
        assert error["extensions"]["code"] == code, (query, error)
        assert "requestId" not in error["extensions"]
        if words:
            assert words in error["message"], (query, error)


@pytest.mark.django_db(transaction=True)
async def test_websocket_errors_carry_the_connection_id(broken_search, caplog):
    communicator = await open_graphql_ws()
    try:
        ids = []
        for op in ("1", "2"):
            await communicator.send_json_to(
                {"id": op, "type": "subscribe", "payload": {"query": SEARCH}}
            )
            message = await communicator.receive_json_from(timeout=10)
            [error] = message["payload"]["errors"]
            assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
            assert "hunter2" not in json.dumps(message)
            ids.append(error["extensions"]["requestId"])
            assert (await communicator.receive_json_from())["type"] == "complete"
    finally:
        await communicator.disconnect()
    assert ids[0] == ids[1]  # one id per connection
    logged = [r for r in caplog.records if r.name == "booknest.errors"]
    assert [r.request_id for r in logged] == ids
