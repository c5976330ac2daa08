"""`make fuzz`: random operations against a live daphne server, with a new seed every run.

tests/security/test_fuzz.py replays the same few hundred operations on every `make test`; this
looks further, on purpose not in `make test` or CI (it is random and it takes minutes). It:

1. migrates a throwaway SQLite database (the embedded defaults: no PostgreSQL, no Redis) and
   seeds the security suite's library into it (tests/security/conftest.py `build_seed`);
2. starts daphne on it, production-like (debug off, errors masked; rate limits and login
   throttles out of the way, since it sends thousands of operations);
3. sends operations hypothesis-graphql draws from schema.graphql — valid ones and, in the
   `invalid` runs, ones that break the schema's rules — as an anonymous client, a reader and
   a librarian, over HTTP as a client would; strings include NUL and (in the `unicode` runs)
   any code point, lone surrogates too;
4. fails at the first response that is a 5xx, carries INTERNAL_SERVER_ERROR or has an error
   without `extensions.code`, printing the operation, the response and the seed.

Usage: `make fuzz` (`FUZZ_EXAMPLES=2000` per run for a longer look, `FUZZ_SEED=<n>` to replay a
reported failure). Mutations really run: the seeded library changes as the fuzzer goes (a book
deleted, the reader logged out everywhere); each request gets a fresh token, so the reader stays
logged in as far as the server lets them.
"""

import json
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Django (for seeding and tokens, in this process) and daphne share one environment.
TMP = Path(tempfile.mkdtemp(prefix="booknest-fuzz-"))
SERVER_LOG = TMP / "server.log"


def server_settings() -> dict[str, str]:
    from tests.e2e.server import sqlite_server_env

    return sqlite_server_env(
        TMP,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(48),  # for this run's tokens only
        GRAPHQL_MASK_ERRORS="true",
        RATE_LIMIT_ENABLED="false",
        LOGIN_THROTTLE_ACCOUNT_ATTEMPTS="1000000",
        LOGIN_THROTTLE_IP_ATTEMPTS="1000000",
        LOG_LEVEL="INFO",  # the server's log (a file) has each operation and any traceback
        DJANGO_SETTINGS_MODULE="booknest.settings",
    )


@contextmanager
def daphne(env: dict[str, str]) -> Iterator[str]:
    """daphne serving BookNest, its output in a log file (a pipe nobody reads would fill up and
    block the server); yields the base URL."""
    from tests.e2e.server import BIN, ROOT, free_port, wait_until_up

    port = free_port()
    command = [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port), "booknest.asgi:application"]
    with SERVER_LOG.open("w") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(f"{url}/healthz", process)
            yield url
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def post(url: str, query: str, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(  # noqa: S310 - the local server started here
        f"{url}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={
            "Content-Type": "application/json",
            "Accept": "application/graphql-response+json",
            **headers,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def problem(status: int, content: bytes) -> str | None:
    """What is wrong with one answer, or None."""
    if status >= 500:
        return f"status {status}"
    try:
        body = json.loads(content)
    except ValueError:
        return "the body is not JSON"
    if not isinstance(body, dict) or not ("data" in body or "errors" in body):
        return "the body is not a GraphQL response"
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        if not code:
            return "an error without extensions.code"
        if code == "INTERNAL_SERVER_ERROR":
            return "INTERNAL_SERVER_ERROR (an unexpected exception: see the server's log)"
    return None


def main() -> int:
    seed = int(os.environ.get("FUZZ_SEED") or random.SystemRandom().randrange(2**32))
    examples = int(os.environ.get("FUZZ_EXAMPLES") or 100)
    print(f"fuzz: seed {seed}, {examples} examples per run (replay: make fuzz FUZZ_SEED={seed})")
    env = server_settings()
    os.environ.update(env)
    import django

    django.setup()
    import hypothesis_graphql
    from django.core.management import call_command
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed
    from hypothesis_graphql import Mode

    from apps.accounts.models import User
    from tests.security.conftest import bearer, build_seed
    from tests.security.test_fuzz import MUTATIONS, SCHEMA, custom_scalars, plain

    call_command("migrate", verbosity=0)
    library = build_seed()
    ids = library.global_ids()
    viewers = {
        "anonymous": None,
        "reader": library.reader.pk,
        "librarian": library.librarian.pk,
    }

    def headers_of(viewer: str) -> dict[str, str]:
        pk = viewers[viewer]
        # A fresh token each time: a fuzzed `logoutAll` must not end the run's coverage.
        return {} if pk is None else bearer(User.objects.get(pk=pk))

    def check(url: str, query: str, viewer: str) -> None:
        status, content = post(url, query, headers_of(viewer))
        found = problem(status, content)
        assert found is None, (
            f"{found}\n--- operation ({viewer}) ---\n{query}\n"
            f"--- response ({status}) ---\n{content[:2000].decode(errors='replace')}"
        )

    def fuzzer(strategy, url: str, viewer: str):
        @hypothesis_seed(seed)
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            phases=(Phase.explicit, Phase.generate),  # shrinking a schema this size: minutes
            suppress_health_check=list(HealthCheck),
        )
        @given(query=strategy.map(plain))
        def send(query: str) -> None:
            check(url, query, viewer)

        return send

    runs = []
    for viewer in viewers:
        for kind in ("queries", "mutations"):
            for variant in ("valid", "invalid", "unicode"):
                runs.append((viewer, kind, variant))

    with daphne(env) as url:
        print(f"fuzz: daphne at {url}, database and server log in {TMP}")
        for viewer, kind, variant in runs:
            options = {"custom_scalars": custom_scalars(ids)}
            if kind == "mutations":
                options["fields"] = MUTATIONS
            if variant == "invalid":
                options["mode"] = Mode.NEGATIVE
            if variant == "unicode":
                options["codec"] = None  # any code point, lone surrogates included
            strategy = getattr(hypothesis_graphql, kind)(SCHEMA, **options)

            send = fuzzer(strategy, url, viewer)
            print(f"fuzz: {kind} ({variant}) as {viewer} ...", flush=True)
            try:
                send()
            except AssertionError as failure:
                print(f"\nfuzz: FAILED: {failure}\n")
                print(f"fuzz: the server's log: {SERVER_LOG}")
                print(f"fuzz: replay with: make fuzz FUZZ_SEED={seed} FUZZ_EXAMPLES={examples}")
                return 1
    print(f"fuzz: {len(runs)} runs of {examples} examples, no server error (seed {seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
