"""Every top-level error GraphQL itself raises has an `extensions.code` (Apollo Server's names).

A document that does not parse (GRAPHQL_PARSE_FAILED), does not validate
(GRAPHQL_VALIDATION_FAILED), variables that do not coerce (BAD_USER_INPUT), no operation to run
(OPERATION_RESOLUTION_FAILURE), an empty document or a subscription over HTTP (BAD_REQUEST):
over HTTP, with GraphQL-over-HTTP's statuses (400 under application/graphql-response+json, 200
under application/json), no `data`, and nothing run.
"""

import json

import pytest

from apps.reading.models import UserBook
from tests.factories import make_book, make_user
from tests.media.client import bearer
from tests.security.conftest import gid

pytestmark = pytest.mark.django_db

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
SHELVE = (
    "mutation($book: ID!, $started: Date) {"
    " setReadingStatus(bookId: $book, status: READING, startedAt: $started) { errors { code } } }"
)
BOOKS = "query($n: Int!) { books(first: $n) { totalCount } }"

# name: (request body, expected code, a fragment of the message)
CASES = {
    "syntax": ({"query": "{ books(first: ) { totalCount } }"}, "GRAPHQL_PARSE_FAILED", "Syntax"),
    "unknown field": ({"query": "{ nope }"}, "GRAPHQL_VALIDATION_FAILED", "nope"),
    "unused variable": (
        {"query": "query($x: Int) { __typename }"},
        "GRAPHQL_VALIDATION_FAILED",
        "never used",
    ),
    "Date given an empty string": (
        {"query": SHELVE, "variables": {"book": "BOOK", "started": ""}},
        "BAD_USER_INPUT",
        "$started",
    ),
    "Int over 32 bits": (
        {"query": BOOKS, "variables": {"n": 2**40}},
        "BAD_USER_INPUT",
        "32-bit",
    ),
    "required variable missing": ({"query": BOOKS}, "BAD_USER_INPUT", "$n"),
    "unknown operationName": (
        {"query": "query A { __typename }", "operationName": "B"},
        "OPERATION_RESOLUTION_FAILURE",
        '"B"',
    ),
    "several operations, no operationName": (
        {"query": "query A { __typename } query B { __typename }"},
        "OPERATION_RESOLUTION_FAILURE",
        "operation name",
    ),
    "empty document": ({"query": ""}, "BAD_REQUEST", "empty"),
    "subscription over HTTP": (
        {"query": "subscription { unreadNotificationCountChanged }"},
        "BAD_REQUEST",
        "WebSocket",
    ),
}


def request_body(name: str, book) -> dict:
    body = dict(CASES[name][0])
    if "variables" in body:
        body["variables"] = {
            key: gid(book) if value == "BOOK" else value for key, value in body["variables"].items()
        }
    return body


@pytest.mark.parametrize(
    ("accept", "status"), [(GRAPHQL_RESPONSE_JSON, 400), ("application/json", 200)]
)
@pytest.mark.parametrize("name", CASES)
def test_each_request_error_has_its_code(client, name, accept, status):
    reader = make_user("reader")
    book = make_book()
    _, code, fragment = CASES[name]

    response = client.post(
        "/graphql",
        json.dumps(request_body(name, book)),
        content_type="application/json",
        headers={"Accept": accept, **bearer(reader)},
    )

    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(accept)
    body = response.json()
    assert "data" not in body
    [error] = body["errors"]
    assert error["extensions"]["code"] == code, error
    assert fragment in error["message"]
    assert not UserBook.objects.exists()  # the mutation never ran


def test_get_request_errors_have_codes_too(client):
    response = client.get(
        "/graphql",
        {"query": BOOKS, "variables": json.dumps({"n": "ten"})},
        headers={"Accept": GRAPHQL_RESPONSE_JSON},
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_a_field_error_keeps_its_own_code_and_the_status_200(client):
    # Not a request error: the operation ran, and the error is about one field.
    response = client.post(
        "/graphql",
        json.dumps({"query": '{ books(after: "garbage") { totalCount } }'}),
        content_type="application/json",
        headers={"Accept": GRAPHQL_RESPONSE_JSON},
    )

    assert response.status_code == 200
    [error] = response.json()["errors"]
    assert error["path"] == ["books"]
    assert error["extensions"]["code"] == "INVALID"
