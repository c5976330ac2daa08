"""GraphQL over HTTP (https://graphql.github.io/graphql-over-http/draft/), rule by rule.

What a client sees: statuses, media types and bodies for each kind of request. The live audit by
`graphql-http` is tests/e2e/test_http_audit.py; these tests pin each rule on its own.
"""

import json

import pytest
from asgiref.sync import async_to_sync
from django.test import RequestFactory

from apps.accounts.tokens import create_access_token
from apps.lending.models import BookCopy
from schema import schema
from schema.views import GraphQLView
from tests.asgi_client import ASGIClient
from tests.factories import make_book, make_user
from tests.helpers import without_cost
from tests.schema.lending.helpers import gid

pytestmark = pytest.mark.django_db

GQL = "application/graphql-response+json"
JSON = "application/json"
TYPENAME = {"query": "{ __typename }"}
ADD_COPY = "mutation ($b: ID!) { addCopy(bookId: $b) { copy { id } errors { code } } }"


def post(client, body, *, accept: str | None = None, content_type: str = JSON, **headers):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    if accept is not None:
        headers["Accept"] = accept
    # The test client drops Content-Type when there is no body; a real client would send it.
    extra = {"CONTENT_TYPE": content_type} if not data else {}
    return client.generic(
        "POST", "/graphql", data, content_type=content_type, headers=headers, **extra
    )


def get(client, params: dict, *, accept: str | None = None, **headers):
    if accept is not None:
        headers["Accept"] = accept
    return client.get("/graphql", params, headers=headers)


def media_type(response) -> str:
    return response["Content-Type"].split(";")[0]


def bearer(user) -> str:
    return f"Bearer {create_access_token(user)[0]}"


# --- content negotiation ---------------------------------------------------------------------


def test_post_without_accept_answers_application_json_in_utf8(client):
    response = post(client, TYPENAME)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert without_cost(response.json()) == {"data": {"__typename": "Query"}}


def test_post_accepting_graphql_response_json_gets_it(client):
    response = post(client, TYPENAME, accept=f"{GQL}, {JSON};q=0.9")
    assert response.status_code == 200
    assert response["Content-Type"] == f"{GQL}; charset=utf-8"
    assert without_cost(response.json()) == {"data": {"__typename": "Query"}}


def test_unacceptable_accept_is_406(client):
    response = post(client, TYPENAME, accept="text/html")
    assert response.status_code == 406
    assert media_type(response) == JSON
    assert response.json()["errors"][0]["extensions"]["code"] == "NOT_ACCEPTABLE"


def test_responses_vary_by_accept_and_authorization(client):
    vary = post(client, TYPENAME)["Vary"]
    assert "Accept" in vary
    assert "Authorization" in vary


# --- request errors and field errors ---------------------------------------------------------

REQUEST_ERRORS = {
    "document does not parse": {"query": "{"},
    "document does not validate": {"query": "{ noSuchField }"},
    "variables do not coerce": {
        "query": "query ($id: ID!) { copies(bookId: $id) { totalCount } }",
        "variables": {"id": None},
    },
    "unknown operationName": {"query": "query A { __typename }", "operationName": "B"},
    "several operations, no operationName": {
        "query": "query A { __typename } query B { __typename }"
    },
    "empty document": {"query": ""},
}


@pytest.mark.parametrize("body", REQUEST_ERRORS.values(), ids=REQUEST_ERRORS.keys())
def test_request_error_with_graphql_response_json_is_400_without_data(client, body):
    response = post(client, body, accept=GQL)
    assert response.status_code == 400
    assert media_type(response) == GQL
    assert "data" not in response.json()
    assert response.json()["errors"][0]["message"]


@pytest.mark.parametrize("body", REQUEST_ERRORS.values(), ids=REQUEST_ERRORS.keys())
def test_request_error_with_application_json_is_200_without_data(client, body):
    response = post(client, body, accept=JSON)
    assert response.status_code == 200
    assert media_type(response) == JSON
    assert "data" not in response.json()
    assert response.json()["errors"]


@pytest.mark.parametrize("accept", [GQL, JSON])
def test_field_error_is_200_with_data(client, accept):
    response = post(client, {"query": "{ myReservations { totalCount } }"}, accept=accept)
    assert response.status_code == 200
    body = response.json()
    assert "data" in body
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert body["errors"][0]["path"] == ["myReservations"]


def test_refused_token_is_401_with_graphql_response_json(client):
    response = post(client, TYPENAME, accept=GQL, Authorization="Bearer not-a-token")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "data" not in response.json()


def test_refused_token_is_200_with_application_json(client):
    response = post(client, TYPENAME, accept=JSON, Authorization="Bearer not-a-token")
    assert response.status_code == 200
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


# --- methods ---------------------------------------------------------------------------------


@pytest.mark.parametrize("accept", [GQL, JSON, None])
def test_get_runs_a_query_with_json_variables(client, accept):
    book = make_book()
    response = get(
        client,
        {
            "query": "query ($b: ID!) { copies(bookId: $b) { totalCount } }",
            "variables": json.dumps({"b": gid(book)}),
        },
        accept=accept,
    )
    assert response.status_code == 200
    assert without_cost(response.json()) == {"data": {"copies": {"totalCount": 0}}}


@pytest.mark.parametrize("accept", [GQL, JSON])
def test_get_with_a_mutation_is_405_and_runs_nothing(client, accept):
    user = make_user()
    response = get(
        client,
        {"query": ADD_COPY, "variables": json.dumps({"b": gid(make_book())})},
        accept=accept,
        Authorization=bearer(user),
    )
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"
    assert media_type(response) == accept
    assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
    assert not BookCopy.objects.exists()


def test_get_selects_the_operation_by_operation_name(client):
    document = "query Q { __typename } mutation M { __typename }"
    assert get(client, {"query": document, "operationName": "Q"}).status_code == 200
    assert get(client, {"query": document, "operationName": "M"}).status_code == 405
    assert get(client, {"query": document, "operationName": ""}, accept=GQL).status_code == 400


def test_post_with_several_operations_and_no_operation_name_runs_none(client):
    user = make_user()
    document = (
        "mutation M ($b: ID!) { addCopy(bookId: $b) { errors { code } } } query Q { __typename }"
    )
    body = {"query": document, "variables": {"b": gid(make_book())}}
    response = post(client, body, accept=GQL, Authorization=bearer(user))
    assert response.status_code == 400
    assert "operation name" in response.json()["errors"][0]["message"]
    assert not BookCopy.objects.exists()
    body["operationName"] = "M"
    assert post(client, body, accept=GQL, Authorization=bearer(user)).status_code == 200
    assert BookCopy.objects.count() == 1


def test_one_operation_that_mentions_keywords_needs_no_operation_name(client):
    body = {"query": 'query Q { __type(name: "query mutation subscription") { name } }'}
    assert without_cost(post(client, body, accept=GQL).json()) == {"data": {"__type": None}}


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "OPTIONS"])
def test_other_methods_are_405_with_allow(client, method):
    response = client.generic(method, "/graphql", json.dumps(TYPENAME), content_type=JSON)
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"


def test_post_runs_a_mutation(client):
    user = make_user()
    body = {"query": ADD_COPY, "variables": {"b": gid(make_book())}}
    response = post(client, body, accept=GQL, Authorization=bearer(user))
    assert response.status_code == 200
    assert response.json()["data"]["addCopy"]["errors"] == []


# --- request bodies --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    ["application/json; charset=utf-8", "application/json; charset=UTF-8", "application/json"],
)
def test_post_accepts_json_in_utf8(client, content_type):
    body = {"query": '{ __type(name: "Run🏃Swim🏊") { name } }'}
    response = post(client, body, content_type=content_type)
    assert response.status_code == 200
    assert without_cost(response.json()) == {"data": {"__type": None}}


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/graphql",
        "application/json; charset=latin-1",
        "application/jsonp",
    ],
)
def test_post_with_another_content_type_is_415(client, content_type):
    response = post(client, json.dumps(TYPENAME), content_type=content_type, accept=GQL)
    assert response.status_code == 415
    assert response.json()["errors"][0]["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"


def test_post_without_content_type_is_415(client):
    response = client.generic("POST", "/graphql", json.dumps(TYPENAME), content_type="")
    assert response.status_code == 415


BAD_BODIES = {
    "not JSON": b'{ "not a JSON',
    "empty": b"",
    "NaN": b'{"query": "{ __typename }", "variables": {"x": NaN}}',
    "not UTF-8": b'{"query": "\xff"}',
    "a string": json.dumps("{ __typename }"),
    "a number": b"1",
    "null": b"null",
    "no query": json.dumps({"qeury": "{ __typename }"}),
    "null query": json.dumps({"query": None}),
    "query not a string": json.dumps({"query": {"obj": "ect"}}),
    "variables a string": json.dumps({**TYPENAME, "variables": "{}"}),
    "variables an array": json.dumps({**TYPENAME, "variables": [7]}),
    "variables a number": json.dumps({**TYPENAME, "variables": 0}),
    "extensions a string": json.dumps({**TYPENAME, "extensions": "x"}),
    "extensions false": json.dumps({**TYPENAME, "extensions": False}),
    "operationName a number": json.dumps({**TYPENAME, "operationName": 0}),
    "operationName an array": json.dumps({**TYPENAME, "operationName": ["Q"]}),
}


@pytest.mark.parametrize("accept", [GQL, JSON])
@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_a_request_that_is_not_well_formed_is_400(client, body, accept):
    response = post(client, body, accept=accept)
    assert response.status_code == 400
    assert media_type(response) == accept
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


@pytest.mark.parametrize("parameter", ["variables", "operationName", "extensions"])
def test_null_optional_parameters_are_absent(client, parameter):
    response = post(client, {**TYPENAME, parameter: None}, accept=GQL)
    assert response.status_code == 200
    assert without_cost(response.json()) == {"data": {"__typename": "Query"}}


def test_extensions_map_is_accepted(client):
    assert post(client, {**TYPENAME, "extensions": {"some": "value"}}).status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"variables": "{not json"},
        {"variables": "[1]"},
        {"extensions": "7"},
        {},  # no query at all
    ],
)
def test_get_with_bad_parameters_is_400(client, params):
    query = {"query": "{ __typename }"} if params else {}
    response = get(client, {**query, **params}, accept=GQL)
    assert response.status_code == 400


def test_get_with_a_repeated_parameter_is_400(client):
    response = client.get("/graphql?query={__typename}&query={__typename}")
    assert response.status_code == 400


def test_body_over_the_upload_limit_is_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = post(client, {"query": "{ __typename }" + " " * 200})
    assert response.status_code == 413


# --- authentication: header only, no CSRF, no cookies ----------------------------------------


def test_header_authenticated_mutation_needs_no_csrf_token():
    user = make_user()
    client = ASGIClient(enforce_csrf_checks=True)
    body = {"query": ADD_COPY, "variables": {"b": gid(make_book())}}
    response = post(client, body, Authorization=bearer(user))
    assert response.status_code == 200
    assert response.json()["data"]["addCopy"]["errors"] == []
    assert BookCopy.objects.get().owner == user


def test_a_session_cookie_authenticates_nobody():
    user = make_user()
    client = ASGIClient(enforce_csrf_checks=True)
    client.force_login(user)  # a valid Django session cookie, as the admin would set

    reservations = post(client, {"query": "{ myReservations { totalCount } }"}).json()
    added = post(client, {"query": ADD_COPY, "variables": {"b": gid(make_book())}}).json()

    assert reservations["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert added["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert not BookCopy.objects.exists()


def test_responses_set_no_cookies(client):
    response = post(client, {"query": "{ __typename }"})
    assert not response.cookies


# --- GraphiQL --------------------------------------------------------------------------------


def _view_response(graphql_ide, **headers):
    view = GraphQLView.as_view(schema=schema, graphql_ide=graphql_ide)
    request = RequestFactory().get("/graphql", headers=headers)
    return async_to_sync(view)(request)


def test_graphiql_page_for_a_browser_when_enabled():
    response = _view_response("graphiql", Accept="text/html,*/*;q=0.8")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_without_graphiql_a_browser_get_without_query_is_a_bad_request():
    response = _view_response(None, Accept="text/html,*/*;q=0.8")
    assert response.status_code == 400
    assert json.loads(response.content)["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
