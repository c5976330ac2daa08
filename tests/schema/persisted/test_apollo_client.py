"""The real Apollo Client persisted-query link (Node, pinned in apollo_client/package-lock.json)
against a live daphne: hash over GET → PersistedQueryNotFound → query over POST → data; a
second client then gets its data from the hash alone.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.server import (
    daphne,
    migrate,
    sqlite_server_env,
)

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e"), pytest.mark.tools("node", "npm")]

CLIENT_DIR = Path(__file__).resolve().parent / "apollo_client"


@pytest.fixture(scope="module")
def node() -> str:
    """Node with the pinned packages installed (`npm ci` on a clean clone); skips without."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.skip("node and npm are needed for the Apollo Client test")
    if not (CLIENT_DIR / "node_modules" / "@apollo" / "client").is_dir():
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=CLIENT_DIR,
            check=True,
            capture_output=True,
            timeout=300,
        )
    return node


@pytest.fixture(scope="module")
def graphql_url(tmp_path_factory) -> str:
    tmp = tmp_path_factory.mktemp("apq-live")
    env = sqlite_server_env(tmp, APQ_ENABLED="true", GRAPHQL_ALLOWLIST="false")
    migrate(env)
    with daphne(env) as base_url:
        yield f"{base_url}/graphql"


def test_apollo_clients_persisted_query_link_round_trip(node, graphql_url):
    run = subprocess.run(
        [node, "apq.mjs", graphql_url],
        cwd=CLIENT_DIR,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    report = json.loads(run.stdout)
    expected_data = {"books": {"__typename": "BookCursorConnection", "edges": []}}

    first = report["first"]
    assert (first["error"], first["data"]) == (None, expected_data)
    miss, retry = first["requests"]  # exactly two requests
    assert (miss["method"], miss["sentQuery"]) == ("GET", False)
    assert miss["status"] == 200
    assert miss["body"]["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert (retry["method"], retry["sentQuery"]) == ("POST", True)
    assert retry["extensions"]["persistedQuery"] == miss["extensions"]["persistedQuery"]
    assert "errors" not in retry["body"]

    second = report["second"]
    assert (second["error"], second["data"]) == (None, expected_data)
    (hit,) = second["requests"]  # the hash alone was enough
    assert (hit["method"], hit["sentQuery"], hit["status"]) == ("GET", False, 200)
    assert "errors" not in hit["body"]
