"""A live BookNest server in a child process, for end-to-end tests over real sockets.

`services_server_env` gives a live server the test run's services: PostgreSQL when DATABASE_URL
names it (a fresh database of the server's own on that PostgreSQL server, see `live_database`)
and Redis when REDIS_URL is set (channels-redis layer, so that events cross processes), and the
embedded defaults (SQLite file, in-memory layer) when they are not set.
"""

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tests.conftest import ROOT

BIN = Path(sys.executable).parent
DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
ON_POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql://"))
ON_POSTGRES_AND_REDIS = ON_POSTGRES and REDIS_URL.startswith(("redis://", "rediss://", "unix://"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = getattr(process, "output_tail", None)
            if tail is not None:
                process.output_drain.join(timeout=5)  # the last lines before the exit
            output = "".join(tail) if tail is not None else (process.stdout.read() or "")
            raise RuntimeError(f"server exited with {process.returncode}:\n{output[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local URL
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise TimeoutError(f"{url} did not answer within {timeout} s")


def server_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update({"PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}", **overrides})
    # Servers sharing one Redis (CI) keep their own rate-limit budgets and throttles.
    if "CACHE_KEY_PREFIX" not in overrides:
        env["CACHE_KEY_PREFIX"] = f"booknest-e2e-{uuid.uuid4().hex[:12]}"
    return env


def drain_output(process: subprocess.Popen, lines: int = 200) -> None:
    """Read the server's output as it comes, keeping its last `lines` in `output_tail`: a pipe
    nobody reads fills at 64 KB, and the server's next log line then blocks its event loop."""
    process.output_tail = tail = deque(maxlen=lines)

    def drain() -> None:
        for line in process.stdout:
            tail.append(line)

    process.output_drain = threading.Thread(target=drain, daemon=True)
    process.output_drain.start()


@contextmanager
def live_server(
    command: list[str], env: dict[str, str], port: int, host: str = "127.0.0.1"
) -> Iterator[str]:
    """Start `command`, wait for /healthz at `host`:`port`, yield the base URL, and stop it
    afterwards."""
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    drain_output(process)
    base_url = f"http://{host}:{port}"
    try:
        wait_until_up(f"{base_url}/healthz", process)
        yield base_url
    finally:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()


def sqlite_server_env(tmp: Path, **overrides: str) -> dict[str, str]:
    """`server_env` for a throwaway production-like server (debug off), by default on a SQLite file in `tmp`,
    its media in `tmp`, emails kept in memory, and no Redis unless `overrides` names one."""
    env = server_env(
        **{
            "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
            "DJANGO_MEDIA_ROOT": str(tmp / "media"),
            "DJANGO_SECRET_KEY": "live-tests-only-not-a-secret",
            "DJANGO_DEBUG": "false",
            "EMAIL_URL": "locmem://",
            **overrides,
        }
    )
    if "REDIS_URL" not in overrides:
        env.pop("REDIS_URL", None)
    return env


def migrate(env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)


@contextmanager
def daphne(env: dict[str, str]) -> Iterator[str]:
    """A daphne process serving BookNest with `env`; yields its base URL."""
    port = free_port()
    command = [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port), "booknest.asgi:application"]
    with live_server(command, env, port) as url:
        yield url


def with_path(url: str, path: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=path))


@contextmanager
def live_database(tmp: Path) -> Iterator[str]:
    """A database URL for live servers, empty (migrate it), removed afterwards.

    On PostgreSQL (DATABASE_URL): a fresh database on that server, `test_<name>_live_<hex>`.
    Not DATABASE_URL's own database: a developer's data may be in it (tests never write there,
    as pytest-django never does), and the live modules of one run (each seeds the same readers)
    would meet there. Not pytest-django's
    `test_<name>[_gwN]` either: a test's transaction there is invisible to another process,
    and it is flushed under the server's feet. `.ci/run` drops the `_live_` databases a killed
    run leaves behind. Otherwise: a SQLite file in `tmp`.
    """
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp / 'db.sqlite3'}"
        return
    import psycopg

    name = f"test_{urlsplit(DATABASE_URL).path.strip('/')}_live_{uuid.uuid4().hex[:8]}"
    admin_url = with_path(DATABASE_URL, "/postgres")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_path(DATABASE_URL, f"/{name}")
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def services_server_env(tmp: Path, database_url: str, **overrides: str) -> dict[str, str]:
    """`sqlite_server_env` on `database_url` (from `live_database`), with REDIS_URL when the run
    has one: its server's channel layer is then Redis, under a key prefix of its own."""
    redis = {"REDIS_URL": REDIS_URL} if REDIS_URL else {}
    return sqlite_server_env(tmp, **{"DATABASE_URL": database_url, **redis, **overrides})


def seed(env: dict[str, str]) -> dict:
    """Migrate the database of `env` and seed it for the WebSocket tests (tests/e2e/ws_seed.py)."""
    migrate(env)
    seeded = subprocess.run(
        [sys.executable, "-m", "tests.e2e.ws_seed"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return json.loads(seeded.stdout)
