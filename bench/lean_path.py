"""Benchmark: `/graphql` through Django's handler against the lean path (booknest/lean.py).

Two daphne processes on one PostgreSQL database (seeded as `bench throughput` seeds it), the
same settings but `GRAPHQL_LEAN_PATH` (production-like: DEBUG off, LOG_LEVEL WARNING, rate
limits off), only one of them loaded at a time. Two requests: `{ __typename }` (nothing but the
HTTP layer and GraphQL's own work) and the book page of bench/screens.py (BOOK_PAGE, 20 reviews,
anonymous). Per request and client count (1 and 10), rounds alternate between the two servers
(so that the shared machine's slow spells fall on both alike): requests/s, p50/p99 and the
server's CPU time per request, the steadier figure on a machine shared with other work.
`python -m bench lean_path` (BENCH_LEAN_SECONDS per server, request and level: default 12, in
BENCH_LEAN_ROUNDS rounds, default 4).
"""

import json
import os
import sys
import time

from bench.support import base_env, daphne, measure, run_python, scratch_database, server_url
from bench.throughput import combine, fetch

LEVELS = (1, 10)
SECONDS = float(os.environ.get("BENCH_LEAN_SECONDS", "12"))
ROUNDS = int(os.environ.get("BENCH_LEAN_ROUNDS", "4"))
PATHS = ("django", "lean")


def bodies(book_id: int) -> dict[str, bytes]:
    from strawberry.relay import to_base64

    from bench.screens import BOOK_PAGE

    variables = {"id": to_base64("Book", book_id), "first": 20}
    return {
        "typename": json.dumps({"query": "{ __typename }"}).encode(),
        "book_page": json.dumps({"query": BOOK_PAGE, "variables": variables}).encode(),
    }


def main() -> int:
    from bench.results import machine, record

    if server_url() is None:
        print("this benchmark needs PostgreSQL (DATABASE_URL)", file=sys.stderr)
        return 1
    headers = {"Content-Type": "application/json"}
    figures: dict[str, dict] = {}
    started = time.monotonic()
    with scratch_database("booknest_bench_lean_path") as database_url:
        env = base_env(database_url, DJANGO_SETTINGS_MODULE="booknest.settings")
        run_python(["manage.py", "migrate", "-v0"], env)
        book_id = json.loads(run_python(["-m", "bench.throughput", "--seed"], env))["book_id"]
        requests = bodies(book_id)
        with (
            daphne({**env, "GRAPHQL_LEAN_PATH": "false"}, "lean-path-django") as django,
            daphne({**env, "GRAPHQL_LEAN_PATH": "true"}, "lean-path-lean") as lean,
        ):
            servers = {"django": django, "lean": lean}
            answers = {
                p: fetch(f"{url}/graphql", requests["book_page"]) for p, (url, _) in servers.items()
            }
            if answers["django"] != answers["lean"] or answers["lean"].get("errors"):
                raise AssertionError(f"the two paths answer differently: {answers}")
            for name, body in requests.items():
                for clients in LEVELS:
                    rounds: dict[str, list] = {p: [] for p in PATHS}
                    for url, _ in servers.values():  # warm-up
                        measure(
                            f"{url}/graphql", clients=clients, seconds=1, body=body, headers=headers
                        )
                    for number in range(ROUNDS):
                        for path in PATHS if number % 2 == 0 else PATHS[::-1]:
                            url, pid = servers[path]
                            rounds[path].append(
                                measure(
                                    f"{url}/graphql",
                                    clients=clients,
                                    seconds=SECONDS / ROUNDS,
                                    body=body,
                                    headers=headers,
                                    server_pid=pid,
                                )
                            )
                    for path in PATHS:
                        result = combine(rounds[path])
                        figures.setdefault(name, {}).setdefault(path, {})[str(clients)] = result
                        print(f"{name:9} {path:6} {clients:3} clients: {result}", file=sys.stderr)
    speedups = {
        name: {
            clients: {
                "rps": round(per["lean"][clients]["rps"] / per["django"][clients]["rps"], 2),
                "cpu": round(
                    per["django"][clients]["server_cpu_ms_per_request"]
                    / per["lean"][clients]["server_cpu_ms_per_request"],
                    2,
                ),
            }
            for clients in map(str, LEVELS)
        }
        for name, per in figures.items()
    }
    result = {
        "requests": figures,
        "lean_over_django": speedups,
        "seconds_per_level": SECONDS,
        "rounds_per_level": ROUNDS,
        "note": f"client and server share the machine ({machine()['cores']} cores) with other work",
        "took_s": round(time.monotonic() - started, 1),
    }
    print(json.dumps(record("lean_path", result), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
