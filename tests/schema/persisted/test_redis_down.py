"""Redis down: the cache ignores its errors, so APQ degrades to sending full queries, never 500."""

import json
import uuid

import pytest

from apps.operations.registry import sha256_of
from tests.e2e.server import free_port
from tests.helpers import point_cache_at_a_dead_redis

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings):
    """The cache as production configures it, on a port where nothing listens."""
    point_cache_at_a_dead_redis(settings, f"redis://127.0.0.1:{free_port()}/3")


def post(client, body: dict):
    return client.post("/graphql", json.dumps(body), content_type="application/json")


def test_apollo_link_still_gets_its_data_with_redis_down(client, redis_down):
    query = f"query Hello {{ __typename }}\n# {uuid.uuid4().hex}"
    hash_only = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256_of(query)}}}

    miss = post(client, hash_only)
    assert miss.status_code == 200
    assert miss.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"

    # The link's retry with the text runs (its store is skipped, not an error)...
    full = post(client, {"query": query, **hash_only})
    assert full.status_code == 200
    assert full.json()["data"] == {"__typename": "Query"}

    # ...and since nothing was stored, the next hash-only request is a miss again: the client
    # pays one round trip more per operation, and gets its data.
    again = post(client, hash_only)
    assert again.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


def test_allowlist_works_with_redis_down(client, redis_down, settings):
    from apps.operations.models import RegisteredOperation

    settings.GRAPHQL_ALLOWLIST = True
    query = "query Hello { __typename }"
    RegisteredOperation.objects.create(sha256=sha256_of(query), body=query)
    assert post(client, {"query": query}).json()["data"] == {"__typename": "Query"}
    refused = post(client, {"query": "{ __typename }"})
    assert refused.json()["errors"][0]["extensions"]["code"] == "OPERATION_NOT_ALLOWED"
