"""A live BookNest server in a child process, for end-to-end tests over real sockets."""

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

from tests.conftest import ROOT

BIN = Path(sys.executable).parent


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
def live_server(command: list[str], env: dict[str, str], port: int) -> Iterator[str]:
    """Start `command`, wait for /healthz, yield the base URL, and stop it afterwards."""
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
    base_url = f"http://127.0.0.1:{port}"
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
