"""Allow-list mode on a live daphne: operations registered with the real command, then HTTP and
WebSocket clients (graphql-transport-ws and legacy graphql-ws) get exactly those and no others.
"""

import hashlib
import json
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from tests.conftest import ROOT
from tests.e2e.server import daphne, migrate, sqlite_server_env
from tests.e2e.ws_client import WSClient

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

TYPENAME = "query Typename {\n  __typename\n}"
UNREAD = "subscription UnreadCount {\n  unreadNotificationCountChanged\n}"
NOT_REGISTERED = "query Other {\n  __typename\n}"
GQL = "application/graphql-response+json"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture(scope="module")
def url(tmp_path_factory) -> str:
    """daphne in allow-list mode, with TYPENAME and UNREAD registered from an Apollo manifest."""
    tmp = tmp_path_factory.mktemp("persisted-live")
    env = sqlite_server_env(tmp, GRAPHQL_ALLOWLIST="true")
    manifest = tmp / "manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "format": "apollo-persisted-query-manifest",
                "version": 1,
                "operations": [
                    {"id": sha(TYPENAME), "name": "Typename", "type": "query", "body": TYPENAME},
                    {
                        "id": sha(UNREAD),
                        "name": "UnreadCount",
                        "type": "subscription",
                        "body": UNREAD,
                    },
                ],
            }
        )
    )
    migrate(env)
    registered = subprocess.run(
        [sys.executable, "manage.py", "register_operations", str(manifest), "--client", "web"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert "2 registered" in registered.stdout, registered.stdout
    with daphne(env) as base_url:
        yield base_url


def post(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 - local URL
        f"{url}/graphql",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Accept": GQL},
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_http_runs_registered_operations_by_text_or_hash(url):
    status, body = post(url, {"query": TYPENAME})
    assert (status, body["data"]) == (200, {"__typename": "Query"})
    hash_only = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha(TYPENAME)}}}
    status, body = post(url, hash_only)
    assert (status, body["data"]) == (200, {"__typename": "Query"})


def test_http_refuses_anything_else(url):
    status, body = post(url, {"query": NOT_REGISTERED})
    assert status == 403
    assert body["errors"][0]["extensions"]["code"] == "OPERATION_NOT_ALLOWED"
    assert "data" not in body


def test_websocket_runs_registered_operations_only(url):
    with WSClient(url) as client:
        assert client.ack["type"] == "connection_ack"
        client.subscribe("ok", TYPENAME)
        assert client.next_data("ok") == {"__typename": "Query"}
        assert client.receive()["type"] == "complete"

        client.subscribe("query", NOT_REGISTERED)
        refused = client.receive()
        assert (refused["id"], refused["type"]) == ("query", "error")
        assert refused["payload"][0]["extensions"]["code"] == "OPERATION_NOT_ALLOWED"

        client.subscribe("sub", "subscription { followEvents { following } }")
        refused = client.receive()
        assert (refused["id"], refused["type"]) == ("sub", "error")
        assert refused["payload"][0]["extensions"]["code"] == "OPERATION_NOT_ALLOWED"

        # The registered subscription gets past the allow-list (to the login it needs).
        client.subscribe("registered", UNREAD)
        answer = client.receive()
        assert answer["id"] == "registered"
        errors = answer["payload"] if answer["type"] == "error" else answer["payload"]["errors"]
        codes = [error["extensions"]["code"] for error in errors]
        assert codes == ["UNAUTHENTICATED"], answer


def test_legacy_graphql_ws_is_held_to_the_allowlist_too(url):
    with WSClient(url, protocol="graphql-ws") as client:
        assert client.ack["type"] == "connection_ack"
        client.subscribe("1", "subscription { followEvents { following } }")
        refused = client.receive()
        assert (refused["id"], refused["type"]) == ("1", "error")
        # graphql-ws sends one error object where graphql-transport-ws sends a list.
        assert refused["payload"]["extensions"]["code"] == "OPERATION_NOT_ALLOWED", refused
