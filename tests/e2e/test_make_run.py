"""`make run` on the embedded defaults: migrates, seeds the demo, serves every advertised URL."""

import json
import os
import subprocess
import urllib.request

import pytest
from websockets.sync.client import connect

from tests.conftest import ROOT
from tests.e2e.server import free_port, live_server, server_env

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def fetch(url: str, data: dict | None = None, headers: dict | None = None):
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers or {})  # noqa: S310
    if body is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 - local URL
        return response.status, response.headers, response.read().decode()


@pytest.fixture(scope="module")
def make_run(tmp_path_factory):
    """`make run` exactly as the README says, on a throwaway SQLite file and media folder."""
    tmp = tmp_path_factory.mktemp("make-run")
    port = free_port()
    env = server_env(
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        DJANGO_MEDIA_ROOT=str(tmp / "media"),
    )
    for variable in ("REDIS_URL", "DJANGO_DEBUG", "DJANGO_SECRET_KEY"):
        env.pop(variable, None)
    with live_server(["make", "run", f"PORT={port}"], env, port) as url:
        yield url


def test_health_and_readiness(make_run):
    assert fetch(f"{make_run}/healthz")[0] == 200
    status, _, body = fetch(f"{make_run}/readyz")
    assert status == 200
    assert json.loads(body)["checks"]["cache"]["backend"] == "local memory"


def test_graphql_serves_the_demo_catalogue(make_run):
    _, _, body = fetch(
        f"{make_run}/graphql",
        {"query": "{ books(first: 3) { totalCount edges { node { title authors { name } } } } }"},
    )
    books = json.loads(body)["data"]["books"]
    assert books["totalCount"] >= 250
    assert all(edge["node"]["authors"] for edge in books["edges"])


def test_graphiql_page_and_admin_with_its_styles(make_run):
    _, headers, page = fetch(f"{make_run}/graphql", headers={"Accept": "text/html"})
    assert headers["Content-Type"].startswith("text/html")
    assert "graphiql" in page.lower()
    status, _, login = fetch(f"{make_run}/admin/login/")
    assert status == 200
    assert "/static/admin/css/base.css" in login
    assert fetch(f"{make_run}/static/admin/css/base.css")[0] == 200


def test_websocket_graphql_transport_ws_at_the_same_path(make_run):
    ws_url = make_run.replace("http", "ws") + "/graphql"
    with connect(ws_url, subprotocols=["graphql-transport-ws"], origin=make_run) as ws:
        ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(ws.recv(timeout=10))["type"] == "connection_ack"
        ws.send(
            json.dumps(
                {"id": "1", "type": "subscribe", "payload": {"query": "{ books { totalCount } }"}}
            )
        )
        message = json.loads(ws.recv(timeout=10))
        assert message["type"] == "next"
        assert message["payload"]["data"]["books"]["totalCount"] >= 250


def test_readme_first_session_runs_as_written(make_run):
    readme = (ROOT / "README.md").read_text()
    block = readme.split("<!-- first-session -->", 1)[1].split("<!-- /first-session -->", 1)[0]
    script = block.strip().removeprefix("```sh").removesuffix("```")
    result = subprocess.run(
        ["sh", "-eu", "-c", script],
        env={**os.environ, "API": f"{make_run}/graphql"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    output = result.stdout
    assert '"register":{"user":{"username":"zoe"},"errors":[]}' in output
    assert '"userBook":{"status":"READ"' in output
    assert '"rating":{"value":4.5}' in output
    assert '"viewerStatus":"READ"' in output
