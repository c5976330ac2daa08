"""`make run` on the embedded defaults: migrates, seeds the demo, serves every advertised URL.
With REDIS_URL, the command `make run` ends in also runs the import worker, and stops with it."""

import json
import os
import re
import shlex
import signal
import subprocess
import threading
import time
import urllib.request

import pytest
from websockets.sync.client import connect

from tests.conftest import ROOT
from tests.e2e.server import BIN, free_port, live_server, server_env
from tests.e2e.test_import_live import post_file
from tests.e2e.ws_client import http_graphql

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def fetch(url: str, data: dict | None = None, headers: dict | None = None):
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers or {})  # noqa: S310
    if body is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 - local URL
        return response.status, response.headers, response.read().decode()


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    return tmp_path_factory.mktemp("make-run")


@pytest.fixture(scope="module")
def make_run(run_folder):
    """`make run` exactly as the README says, on a throwaway SQLite file and media folder."""
    port = free_port()
    env = server_env(
        DATABASE_URL=f"sqlite:///{run_folder / 'db.sqlite3'}",
        DJANGO_MEDIA_ROOT=str(run_folder / "media"),
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


# --- with Redis: the server and the import worker, as one command ----------------------------

LOGIN = 'mutation { tokenAuth(username: "demo", password: "booknest-demo") { token } }'
JOB = "query ($j: ID!) { importJob(id: $j) { status createdCount failedCount waitingForWorker } }"


def served_command(port: int) -> list[str]:
    """The command the Makefile's `run` recipe execs at the end, for `port`."""
    recipe = (ROOT / "Makefile").read_text().split("\nrun:", 1)[1].split("\n\n", 1)[0]
    last = recipe.strip().splitlines()[-1].strip()
    assert last.startswith("$(RUN_ENV) exec "), last
    command = last.removeprefix("$(RUN_ENV) exec ")
    command = command.replace("$(BIN)", str(BIN)).replace("$(HOST)", "127.0.0.1")
    return shlex.split(command.replace("$(PORT)", str(port)))


class Served:
    """The supervisor started as `make run` starts it (its own session: a terminal's group)."""

    def __init__(self, run_folder, tmp_path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = server_env(
            DATABASE_URL=f"sqlite:///{run_folder / 'db.sqlite3'}",  # migrated, seeded
            DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
            DJANGO_DEBUG="true",
            REDIS_URL=os.environ["REDIS_URL"],
        )
        env.pop("IMPORT_RUNNER", None)
        self.process = subprocess.Popen(
            served_command(self.port),
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.output: list[str] = []
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        for line in self.process.stdout:
            self.output.append(line)

    def pids(self) -> dict[str, int]:
        started = re.findall(r"supervisor: started (.+) \(pid (\d+)\)", "".join(self.output))
        return {name: int(pid) for name, pid in started}

    def wait_until_up(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "".join(self.output)[-3000:]
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2):  # noqa: S310
                    if len(self.pids()) == 2:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise TimeoutError("".join(self.output)[-3000:])

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        for pid in self.pids().values():
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def served(make_run, run_folder, tmp_path):
    if not os.environ.get("REDIS_URL"):
        pytest.skip("the import worker runs beside the server only with REDIS_URL")
    served = Served(run_folder, tmp_path)
    try:
        served.wait_until_up()
        yield served
    finally:
        served.stop()


def test_with_redis_an_import_runs_to_the_end_and_ctrl_c_stops_server_and_worker(served):
    assert set(served.pids()) == {"daphne", "import worker"}
    token = http_graphql(served.url, LOGIN)["tokenAuth"]["token"]
    library = "Book Id,Title,Author,Exclusive Shelf,My Rating\n" + "".join(
        f"{n},Supervised Book {n},Writer {n},read,{n % 5 + 1}\n" for n in range(1, 21)
    )
    payload = post_file(served.url, token, library.encode())["data"]["importLibrary"]
    assert payload["errors"] == [], payload
    deadline = time.monotonic() + 90
    while True:
        job = http_graphql(served.url, JOB, {"j": payload["job"]["id"]}, token)["importJob"]
        if job["status"] not in ("PENDING", "RUNNING") or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert job == {
        "status": "SUCCEEDED",
        "createdCount": 20,
        "failedCount": 0,
        "waitingForWorker": False,
    }

    os.killpg(served.process.pid, signal.SIGINT)  # Ctrl-C in the terminal
    assert served.process.wait(timeout=30) == 0
    assert not any(alive(pid) for pid in served.pids().values()), served.pids()
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{served.url}/healthz", timeout=2)  # noqa: S310


def test_with_redis_a_dead_worker_takes_the_server_down_with_a_failure(served):
    os.kill(served.pids()["import worker"], signal.SIGKILL)
    assert served.process.wait(timeout=30) != 0
    assert not alive(served.pids()["daphne"])
    assert "import worker exited with status -9; stopping daphne" in "".join(served.output)
