"""Allow-list mode (GRAPHQL_ALLOWLIST): only registered operations run, over HTTP and through the
schema extension that WebSocket operations meet (live WebSockets: tests/e2e/test_persisted_live.py).
"""

import json
import uuid

import pytest
from asgiref.sync import async_to_sync
from django.core.cache import cache

from apps.operations.models import RegisteredOperation
from apps.operations.registry import registry, sha256_of
from schema import schema
from schema.context import Context
from schema.persisted import cache_key
from tests.factories import make_book
from tests.schema.lending.helpers import gid

pytestmark = pytest.mark.django_db

GQL = "application/graphql-response+json"
BOOK = "query BookTitle($id: ID!) { book(id: $id) { title } }"
NOT_ALLOWED = {
    "message": "This server only runs registered operations, and this is not one of them "
    "(see `manage.py register_operations`).",
    "extensions": {"code": "OPERATION_NOT_ALLOWED"},
}


def unique(query: str) -> str:
    return f"{query}\n# {uuid.uuid4().hex}"


def register(text: str, name: str = "") -> str:
    RegisteredOperation.objects.create(sha256=sha256_of(text), body=text, operation_name=name)
    registry.clear()  # the commit that would tell every process never comes in a test
    return sha256_of(text)


def persisted(text: str) -> dict:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256_of(text)}}


def data(response) -> dict:
    """The data of a response that has no errors."""
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def post(client, body: dict, accept: str = GQL):
    return client.post(
        "/graphql", json.dumps(body), content_type="application/json", headers={"Accept": accept}
    )


@pytest.fixture
def allowlist(settings):
    settings.GRAPHQL_ALLOWLIST = True


@pytest.fixture
def book():
    return make_book("Emma")


def test_registered_operation_runs_by_hash_alone(client, allowlist, book):
    register(BOOK, "BookTitle")
    response = post(client, {"variables": {"id": gid(book)}, "extensions": persisted(BOOK)})
    assert response.status_code == 200
    assert data(response) == {"book": {"title": "Emma"}}


def test_registered_operation_runs_by_its_text(client, allowlist, book):
    register(BOOK, "BookTitle")
    response = post(client, {"query": BOOK, "variables": {"id": gid(book)}})
    assert data(response) == {"book": {"title": "Emma"}}
    # And with the APQ extension and the text (what Apollo's link sends on its retry).
    again = post(
        client, {"query": BOOK, "variables": {"id": gid(book)}, "extensions": persisted(BOOK)}
    )
    assert data(again) == {"book": {"title": "Emma"}}


@pytest.mark.parametrize("accept, status", [(GQL, 403), ("application/json", 200)])
def test_unregistered_text_is_refused_before_execution(client, allowlist, book, accept, status):
    register(BOOK, "BookTitle")
    # The same operation spelled differently is another text: refused.
    response = post(client, {"query": BOOK + " ", "variables": {"id": gid(book)}}, accept)
    assert response.status_code == status
    assert response.json()["errors"] == [NOT_ALLOWED]


def test_unregistered_invalid_text_gets_no_validation_hints(client, allowlist):
    response = post(client, {"query": "{ boks { titel } }"})
    assert response.json()["errors"] == [NOT_ALLOWED]  # no "Did you mean 'books'?"


def test_unregistered_hash_is_not_allowed_and_apq_registers_nothing(client, allowlist):
    query = unique("{ __typename }")
    by_hash = post(client, {"extensions": persisted(query)})
    assert by_hash.json()["errors"] == [NOT_ALLOWED]
    # Apollo's retry with the text is refused too, and the text is not stored for later.
    with_text = post(client, {"query": query, "extensions": persisted(query)})
    assert with_text.json()["errors"] == [NOT_ALLOWED]
    assert cache.get(cache_key(sha256_of(query))) is None


def test_apq_cache_is_not_a_way_around_the_allowlist(client, settings):
    query = unique("{ __typename }")
    post(client, {"query": query, "extensions": persisted(query)})  # stored while it was off
    assert cache.get(cache_key(sha256_of(query))) == query
    settings.GRAPHQL_ALLOWLIST = True
    assert post(client, {"extensions": persisted(query)}).json()["errors"] == [NOT_ALLOWED]


def test_introspection_runs_only_when_registered(client, allowlist):
    introspection = "{ __schema { queryType { name } } }"
    assert post(client, {"query": introspection}).json()["errors"] == [NOT_ALLOWED]
    register(introspection)
    assert data(post(client, {"query": introspection})) == {
        "__schema": {"queryType": {"name": "Query"}}
    }


def test_registered_hash_still_checks_the_text_it_comes_with(client, allowlist):
    register(BOOK)
    other = unique("{ __typename }")
    response = post(client, {"query": other, "extensions": persisted(BOOK)})
    assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"


def test_allowlist_off_runs_anything_and_registered_hashes_need_no_apq_round_trip(client, book):
    assert data(post(client, {"query": unique("{ __typename }")})) == {"__typename": "Query"}
    register(BOOK, "BookTitle")
    response = post(client, {"variables": {"id": gid(book)}, "extensions": persisted(BOOK)})
    assert data(response) == {"book": {"title": "Emma"}}


def test_allowlist_serves_registered_hashes_with_apq_disabled(client, allowlist, settings, book):
    settings.APQ_ENABLED = False
    register(BOOK)
    response = post(client, {"variables": {"id": gid(book)}, "extensions": persisted(BOOK)})
    assert data(response) == {"book": {"title": "Emma"}}


def test_a_new_registration_reaches_a_warm_process(
    client, allowlist, django_capture_on_commit_callbacks
):
    """Saving an operation invalidates every process's copy (here: this one's, kept warm)."""
    query = unique("{ __typename }")
    assert post(client, {"query": query}).json()["errors"] == [NOT_ALLOWED]  # loads the copy
    with django_capture_on_commit_callbacks(execute=True):
        RegisteredOperation.objects.create(sha256=sha256_of(query), body=query)
    assert data(post(client, {"query": query})) == {"__typename": "Query"}


# --- the schema extension: what WebSocket operations go through ------------------------------


SUBSCRIPTION = "subscription { unreadNotificationCountChanged }"


async def first_result(query: str):
    """The first result of an operation run the way the WebSocket consumer runs it."""
    stream = await schema.stream(query, context_value=Context(request=None))
    async for result in stream:
        return result


def test_extension_refuses_unregistered_subscriptions_and_queries(allowlist):
    for query in (SUBSCRIPTION, "{ __typename }"):
        result = async_to_sync(first_result)(query)
        assert result.data is None
        assert [e.formatted for e in result.errors] == [NOT_ALLOWED], query


def test_extension_lets_registered_operations_through(allowlist):
    register("{ __typename }")
    result = async_to_sync(first_result)("{ __typename }")
    assert result.errors is None
    assert result.data == {"__typename": "Query"}
    register(SUBSCRIPTION)
    result = async_to_sync(first_result)(SUBSCRIPTION)
    # Registered: it gets past the allow-list to the resolver, which wants a logged-in viewer.
    assert result.errors[0].extensions["code"] == "UNAUTHENTICATED"


def test_extension_does_nothing_with_the_allowlist_off():
    result = async_to_sync(first_result)(SUBSCRIPTION)
    assert result.errors[0].extensions["code"] == "UNAUTHENTICATED"
