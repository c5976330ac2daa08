"""How long `make test` takes on the embedded defaults and on PostgreSQL + Redis (bar: < 5 min)."""

import os
import subprocess
import time
from pathlib import Path

from bench.results import record

ROOT = Path(__file__).resolve().parent.parent
BAR_SECONDS = 300


def timed_make_test(env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(["make", "test"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return round(time.perf_counter() - started, 1)


def main() -> int:
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    embedded = timed_make_test(base)
    postgres = timed_make_test(
        {
            **base,
            "DATABASE_URL": os.environ.get(
                "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/booknest_bench_tests"
            ),
            "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8"),
        }
    )
    figures = {"embedded_s": embedded, "postgresql_redis_s": postgres, "bar_s": BAR_SECONDS}
    print(record("make_test", figures))
    return 0 if max(embedded, postgres) <= BAR_SECONDS else 1
