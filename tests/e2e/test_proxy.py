"""The deployment's reverse proxy, for real: nginx runs docker/nginx/booknest.conf.template,
rendered by the proxy's own entrypoint (docker/nginx/entrypoint.sh) with local addresses, in front
of two daphne processes on PostgreSQL + Redis.

As in compose.yml, the proxy knows the app by one name that its resolver answers with every
replica's address: here a DNS server of the test's (tests/e2e/dns.py) answers that name with
127.0.0.1 and 127.0.0.2, where the two processes listen on the same port. nginx runs unprivileged-
friendly from a scratch folder (`-p DIR -c CONF`, pid and temporary files there, no daemon).

Needs nginx (Debian's nginx-light; .ci/run installs it): skips without it, fails so in CI. Runs on
PostgreSQL + Redis only (CI's first pass): events must cross processes through the Redis layer.
"""

import os
import shutil
import socket
import tempfile
import urllib.error
import urllib.request
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.e2e.dns import ServiceDNS
from tests.e2e.server import (
    BIN,
    ON_POSTGRES_AND_REDIS,
    free_port,
    live_database,
    live_server,
    seed,
    services_server_env,
)
from tests.e2e.ws_client import TIMEOUT, WSClient, http_graphql, settle

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("e2e"),
    pytest.mark.tools("nginx"),
    pytest.mark.skipif(
        not ON_POSTGRES_AND_REDIS, reason="needs DATABASE_URL on PostgreSQL and REDIS_URL on Redis"
    ),
]

PROXY = ROOT / "docker" / "nginx"
APP_NAME = "app.booknest.test"  # compose.yml's `app`
REPLICAS = ("127.0.0.1", "127.0.0.2")
RATE = "mutation($b: ID!, $v: Float!) { rateBook(bookId: $b, value: $v) { errors { code } } }"
BOOK = "subscription($b: ID!) { bookActivity(bookId: $b) { rating { value } } }"
ANONYMOUS_BUDGET = 5  # RATE_LIMIT_ANONYMOUS_POINTS of the servers here


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if not found:
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    return found


def port_free_on_every_replica() -> int:
    """A port that both replica addresses can bind (daphne binds it a moment later)."""
    for _ in range(20):
        port = free_port()
        try:
            with socket.socket() as sock:
                sock.bind((REPLICAS[1], port))
            return port
        except OSError:
            continue
    raise RuntimeError("no port free on every replica address")


@pytest.fixture(scope="module")
def proxied():
    """(proxy URL, seed, access log of each daphne process, URL of the first process)."""
    nginx = nginx_binary()
    with ExitStack() as stack:
        # Not pytest's tmp folder: nginx's workers (`nobody` when CI runs as root) must reach
        # the temporary-file folders nginx makes under its prefix.
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="booknest-proxy-")))
        tmp.chmod(0o755)
        database_url = stack.enter_context(live_database(tmp))
        env = services_server_env(
            tmp,
            database_url,
            DJANGO_ALLOWED_HOSTS=",".join(("localhost", *REPLICAS)),
            DJANGO_BEHIND_PROXY="true",
            DJANGO_HSTS_SECONDS="3600",
            RATE_LIMIT_ANONYMOUS_POINTS=str(ANONYMOUS_BUDGET),
            LOG_FORMAT="plain",  # daphne's access log as text lines in its --access-log file
            LOG_LEVEL="WARNING",
        )
        seeded = seed(env)
        port = port_free_on_every_replica()
        logs = [tmp / f"daphne-{n}.log" for n in range(len(REPLICAS))]
        urls = []
        for address, log in zip(REPLICAS, logs, strict=True):
            command = [str(BIN / "daphne"), "-b", address, "-p", str(port)]
            command += ["--access-log", str(log), "booknest.asgi:application"]
            urls.append(stack.enter_context(live_server(command, env, port, host=address)))
        dns = stack.enter_context(ServiceDNS(APP_NAME, list(REPLICAS)))
        listen = free_port()
        proxy_env = {
            **os.environ,
            "BOOKNEST_UPSTREAM": f"{APP_NAME}:{port}",
            "BOOKNEST_RESOLVER": dns.address,
            "BOOKNEST_LISTEN": f"127.0.0.1:{listen}",
            "BOOKNEST_NGINX_TEMPLATE": str(PROXY / "booknest.conf.template"),
            "BOOKNEST_NGINX_CONF": str(tmp / "nginx.conf"),
        }
        command = ["sh", str(PROXY / "entrypoint.sh"), nginx, "-p", f"{tmp}/", "-c"]
        url = stack.enter_context(
            live_server([*command, str(tmp / "nginx.conf")], proxy_env, listen)
        )
        assert "${BOOKNEST_" not in (tmp / "nginx.conf").read_text()
        yield url, seeded, logs, urls[0]


def served(log: Path, request: str) -> int:
    """How many of `request` (e.g. `POST /graphql`) a daphne process's access log shows."""
    return log.read_text().count(f'"{request}')


def test_a_subscription_through_the_proxy_hears_mutations_that_either_process_served(proxied):
    url, seed, logs, _ = proxied
    bob = seed["users"]["bob"]
    with WSClient.as_user(url, bob["token"]) as ws:
        ws.subscribe("b", BOOK, {"b": seed["book"]})
        settle(ws)
        holders = [n for n, log in enumerate(logs) if served(log, "WSCONNECT /graphql")]
        assert len(holders) == 1, "the WebSocket was upgraded through the proxy to one process"
        # nginx picks a replica at random for each request: mutations go on until the other
        # process has served some (1 in 2^40 that it has not by then).
        other = logs[1 - holders[0]]
        for n in range(40):
            value = float(n % 5 + 1)  # never the same twice running: each one is a change
            http_graphql(url, RATE, {"b": seed["book"], "v": value}, bob["token"])
            assert ws.next_data("b") == {"bookActivity": {"rating": {"value": value}}}
            if served(other, "POST /graphql") >= 2:
                break
    # Both processes served HTTP through the one proxy; the other one's events crossed Redis.
    assert served(other, "POST /graphql") >= 2
    assert served(logs[holders[0]], "POST /graphql") + served(other, "POST /graphql") == n + 1


def test_over_several_requests_both_processes_serve(proxied):
    url, _, logs, _ = proxied
    before = [served(log, "GET /healthz") for log in logs]
    for _ in range(30):
        with urllib.request.urlopen(f"{url}/healthz", timeout=TIMEOUT) as response:  # noqa: S310
            assert response.status == 200
    after = [served(log, "GET /healthz") for log in logs]
    gained = [a - b for a, b in zip(after, before, strict=True)]
    assert sum(gained) == 30 and all(gained), gained


def get(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - a local URL
    return urllib.request.urlopen(request, timeout=TIMEOUT)  # noqa: S310


def test_the_proxy_sets_the_scheme_the_app_trusts_whatever_the_client_claims(proxied):
    url, _, _, direct = proxied
    # The app trusts X-Forwarded-Proto (DJANGO_BEHIND_PROXY): reached without the proxy, a
    # claimed https turns HSTS on. Through the proxy, reached over plain HTTP, it never does.
    with get(f"{direct}/healthz", **{"X-Forwarded-Proto": "https"}) as response:
        assert response.headers["Strict-Transport-Security"] == "max-age=3600"
    with get(f"{url}/healthz", **{"X-Forwarded-Proto": "https"}) as response:
        assert "Strict-Transport-Security" not in response.headers


def test_a_forged_forwarded_for_does_not_escape_the_clients_rate_limit(proxied):
    """The app counts anonymous clients by the proxy's last X-Forwarded-For address: a client
    that sends a new address with every request is still one client, and runs out."""
    url, seed, _, _ = proxied
    query = b'{"query": "{ __typename book: node(id: \\"%s\\") { id } }"}' % seed["book"].encode()
    statuses = []
    for n in range(ANONYMOUS_BUDGET + 5):
        request = urllib.request.Request(  # noqa: S310 - a local URL
            f"{url}/graphql",
            data=query,
            headers={"Content-Type": "application/json", "X-Forwarded-For": f"203.0.113.{n}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
                statuses.append(response.status)
        except urllib.error.HTTPError as refused:
            statuses.append(refused.code)
    assert statuses[0] == 200 and 429 in statuses, statuses
