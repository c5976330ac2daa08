"""Shared parts of the HTTP benchmarks: a throwaway PostgreSQL database, a daphne process, wrk.

The load generator is the same for every endpoint measured: `wrk` when installed (C, one
thread per core, a Lua script for the POST body), else a small asyncio HTTP/1.1 client with
keep-alive. On a small machine the client competes with the server for the cores; since it is
the same client for all endpoints, ratios stay fair even when absolute figures are low.
"""

import asyncio
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"
DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/7"
BIN = Path(sys.executable).parent


def with_path(url: str, path: str) -> str:
    """`url` with its path (the database name) replaced."""
    return urlunsplit(urlsplit(url)._replace(path=path))


def server_url() -> str | None:
    """DATABASE_URL (or the local server) when it is PostgreSQL, else None."""
    url = os.environ.get("DATABASE_URL", DEFAULT_SERVER_URL)
    if urlsplit(url).scheme not in {"postgres", "postgresql", "pgsql"}:
        return None
    return url


@contextmanager
def scratch_database(prefix: str) -> Iterator[str]:
    """A fresh PostgreSQL database on DATABASE_URL's server, dropped afterwards; yields its URL."""
    import psycopg

    url = server_url()
    if url is None:
        raise RuntimeError("this benchmark needs PostgreSQL (DATABASE_URL)")
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin_url = with_path(url, "/postgres")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_path(url, f"/{name}")
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def base_env(database_url: str, **overrides: str) -> dict[str, str]:
    """A production-like server environment: DEBUG off, a real secret, no throttling."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        DATABASE_URL=database_url,
        DJANGO_SECRET_KEY="bench-only-" + uuid.uuid4().hex,
        DJANGO_DEBUG="false",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        EMAIL_URL="dummy://",
        LOG_LEVEL="WARNING",
        RATE_LIMIT_ENABLED="false",
        LOGIN_THROTTLE_ACCOUNT_ATTEMPTS="1000000",
        LOGIN_THROTTLE_IP_ATTEMPTS="1000000",
        OPENSEARCH_URL="",
        # Redis keys of this run only: rate-limit budgets spent by an earlier run (same user
        # ids in a fresh database) would otherwise refuse this one's requests (429).
        CACHE_KEY_PREFIX=f"bench-{uuid.uuid4().hex[:8]}",
    )
    env.update(overrides)
    return env


def run_python(args: list[str], env: dict[str, str]) -> str:
    """Runs `python <args>` in the project with `env`; its standard output."""
    completed = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if completed.returncode:
        raise RuntimeError(f"python {' '.join(args)} failed:\n{completed.stderr[-3000:]}")
    return completed.stdout


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def daphne(env: dict[str, str], name: str, application: str = "booknest.asgi:application"):
    """(base URL, pid) of a daphne process; its output goes to bench/.work/<name>.log (a pipe
    nobody reads would fill up and stall the server)."""
    sys.path.insert(0, str(ROOT))
    from tests.e2e.server import wait_until_up

    WORK.mkdir(exist_ok=True)
    port = free_port()
    command = [str(BIN / "daphne"), "-v", "0", "-b", "127.0.0.1", "-p", str(port), application]
    with open(WORK / f"{name}.log", "w") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(f"{url}/healthz", process)
            yield url, process.pid
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def wrk_path() -> str | None:
    """The `wrk` binary, installed with apt-get when missing and allowed (root, BENCH_NO_APT
    unset); None when there is none."""
    found = shutil.which("wrk")
    if found or os.environ.get("BENCH_NO_APT") or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], capture_output=True, check=False)
    return shutil.which("wrk")


WRK_SCRIPT = """
wrk.method = "{method}"
wrk.body = {body}
{headers}
done = function(summary, latency, requests)
  io.write(string.format("BENCHJSON {{\\"requests\\": %d, \\"non2xx\\": %d, \\"errors\\": %d,"
    .. " \\"p50_us\\": %d, \\"p99_us\\": %d, \\"mean_us\\": %.1f, \\"duration_us\\": %d}}\\n",
    summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean, summary.duration))
end
"""


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def measure(
    url: str,
    *,
    clients: int,
    seconds: float,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    server_pid: int | None = None,
) -> dict:
    """Keep `clients` connections busy with one request for `seconds`: rps, p50/p99 (ms),
    errors (transport errors plus non-2xx responses), and which tool measured. With
    `server_pid`, also the server's CPU time per request (ms): on a shared machine, where
    wall-clock figures move with the neighbours' load, the steadier measure of its own work."""
    headers = headers or {}
    tool = wrk_path()
    cpu_before = cpu_seconds(server_pid) if server_pid else None
    if tool:
        result = _measure_wrk(tool, url, clients, seconds, body, headers)
    else:
        result = asyncio.run(_measure_asyncio(url, clients, seconds, body, headers))
    if cpu_before is not None and result["requests"]:
        used = cpu_seconds(server_pid) - cpu_before
        result["server_cpu_ms_per_request"] = round(used * 1000 / result["requests"], 2)
    return result


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class BackendCpu:
    """CPU time of the PostgreSQL backends serving one database, when the server runs on this
    machine (its backends' /proc entries readable); else `start`/`ms_per_request` give None.

    Each server keeps its pooled connections open through a measurement round, so a backend's
    CPU time at the end minus that at the start (0 for a backend opened meanwhile) is the
    database work of that round; a backend closed during the round would go uncounted.
    """

    def __init__(self, database_url: str):
        import psycopg

        self.connection = psycopg.connect(database_url, autocommit=True)
        self.local = urlsplit(database_url).hostname in {None, "", "127.0.0.1", "localhost", "::1"}

    def _backends(self) -> dict[int, float] | None:
        if not self.local:
            return None
        rows = self.connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        ).fetchall()
        found = {}
        for (pid,) in rows:
            try:
                with open(f"/proc/{pid}/comm", encoding="utf-8") as comm:
                    if not comm.read().startswith("postgres"):
                        return None  # another machine's pid, naming a process of this one
                found[pid] = cpu_seconds(pid)
            except FileNotFoundError:
                continue  # ended since the query
            except OSError:  # not ours to read
                return None
        return found

    def start(self) -> dict[int, float] | None:
        return self._backends()

    def ms_per_request(self, before: dict[int, float] | None, requests: int) -> float | None:
        after = self._backends()
        if before is None or after is None or not requests:
            return None
        used = sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())
        return round(used * 1000 / requests, 2)

    def close(self) -> None:
        self.connection.close()


def _measure_wrk(tool, url, clients, seconds, body, headers) -> dict:
    lines = "\n".join(
        f"wrk.headers[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in headers.items()
    )
    script = WRK_SCRIPT.format(
        method="POST" if body is not None else "GET",
        body=_lua_string(body.decode()) if body is not None else "nil",
        headers=lines,
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        threads = max(1, min(clients, os.cpu_count() or 1))
        command = [tool, "-t", str(threads), "-c", str(clients), "-d", f"{seconds:.0f}s"]
        command += ["--timeout", "30s", "-s", handle.name, url]
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
    finally:
        os.unlink(handle.name)
    lines = [x for x in completed.stdout.splitlines() if x.startswith("BENCHJSON ")]
    if not lines:
        raise RuntimeError(f"wrk failed: {completed.stdout}{completed.stderr}")
    line = lines[0]
    raw = json.loads(line.removeprefix("BENCHJSON "))
    return {
        "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "requests": raw["requests"],
        "errors": raw["errors"] + raw["non2xx"],
        "tool": "wrk",
    }


async def _measure_asyncio(url, clients, seconds, body, headers) -> dict:
    parts = urlsplit(url)
    method = "POST" if body is not None else "GET"
    head = [f"{method} {parts.path or '/'} HTTP/1.1", f"Host: {parts.netloc}"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    if body is not None:
        head.append(f"Content-Length: {len(body)}")
    request = ("\r\n".join(head) + "\r\n\r\n").encode() + (body or b"")
    samples: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds

    async def client() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        try:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                writer.write(request)
                status_line = await reader.readline()
                length = 0
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                await reader.readexactly(length)
                samples.append((time.perf_counter() - started) * 1000)
                if b" 200 " not in status_line:
                    errors += 1
        finally:
            writer.close()

    started = time.monotonic()
    results = await asyncio.gather(*(client() for _ in range(clients)), return_exceptions=True)
    elapsed = time.monotonic() - started
    errors += sum(isinstance(r, BaseException) for r in results)
    q = statistics.quantiles(samples, n=100, method="inclusive") if len(samples) > 1 else [0] * 99
    return {
        "rps": round(len(samples) / elapsed, 1),
        "p50_ms": round(q[49], 2),
        "p99_ms": round(q[98], 2),
        "requests": len(samples),
        "errors": errors,
        "tool": "python-asyncio",
    }
