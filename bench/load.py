"""Benchmark: a mixed read/write workload from locust, 50 users for 60 s, against a live daphne.

daphne on a fresh PostgreSQL database (DATABASE_URL's server, default the local one; dropped at
the end) and Redis (REDIS_URL, default db 7: the channel layer carries the subscriptions), with
production settings and rate limits off (the load must not be throttled). Seeded: 300 books with
authors, genres, ratings and reviews, 60 readers with profiles and access tokens.
Users (bench/locustfile.py): four in five are readers over HTTP (books page, book page, search,
shelve, rate, review, follow/unfollow), one in five keeps a WebSocket open, subscribed to a
popular book's activity and to its notifications (each event is a `WS` request in the figures).
Goal: zero errors (non-200, GraphQL errors, mutation payload errors, WebSocket errors).
Figures: requests/s, p50/p99 over every request. `python -m bench load`
(BENCH_LOAD_USERS, BENCH_LOAD_SECONDS to change the 50 users / 60 s).
"""

import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.support import (
    BIN,
    DEFAULT_REDIS_URL,
    ROOT,
    WORK,
    base_env,
    daphne,
    run_python,
    scratch_database,
    server_url,
)

USERS = int(os.environ.get("BENCH_LOAD_USERS", "50"))
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
BOOKS = 300
READERS = 60


def seed() -> None:
    """(In the server's environment) the catalogue, readers with tokens; prints them as JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "booknest.settings")
    import django

    django.setup()
    import random
    from decimal import Decimal

    from strawberry.relay import to_base64

    from apps.accounts.models import Profile, User
    from apps.accounts.tokens import create_access_token
    from apps.catalog.models import Author, Book, BookAuthor, Genre
    from apps.reading.models import Rating, Review
    from apps.search.indexing import rebuild

    rng = random.Random(10)
    words = ["Saga", "Volume", "Dragon", "Night", "Garden", "River", "House", "Star", "Sea"]
    genres = [Genre.objects.create(name=f"Genre {n}", slug=f"genre-{n}") for n in range(12)]
    authors = [Author.objects.create(name=f"{rng.choice(words)} Author {n}") for n in range(120)]
    books = [
        Book.objects.create(title=f"The {rng.choice(words)} of {rng.choice(words)} {n}")
        for n in range(BOOKS)
    ]
    BookAuthor.objects.bulk_create(
        [BookAuthor(book=b, author=authors[n % len(authors)]) for n, b in enumerate(books)]
    )
    Genre.books.through.objects.bulk_create(
        [Genre.books.through(book=b, genre=genres[n % len(genres)]) for n, b in enumerate(books)]
    )
    readers = User.objects.bulk_create(
        [User(username=f"load{n}", email=f"load{n}@example.com") for n in range(READERS)]
    )
    Profile.objects.bulk_create(
        [Profile(user=u, display_name=f"Load reader {n}") for n, u in enumerate(readers)]
    )
    # The most read books (the first ones) already have ratings and reviews (by the last
    # readers; the load's reviews come from the first ones, on other books).
    Rating.objects.bulk_create(
        [
            Rating(user=u, book=b, value=Decimal(rng.randint(1, 10)) / 2)
            for b in books[:40]
            for u in readers[READERS // 2 :]
        ]
    )
    Review.objects.bulk_create(
        [
            Review(user=u, book=b, body="Seeded review. " * 10)
            for b in books[:5]
            for u in readers[50:]
        ]
    )
    rebuild()
    json.dump(
        {
            "books": [to_base64("Book", b.pk) for b in books],
            "readers": [
                {"id": to_base64("User", u.pk), "token": create_access_token(u)[0]}
                for u in readers[:50]
            ],
        },
        sys.stdout,
    )


def read_stats(prefix: str) -> tuple[dict, list[dict]]:
    """The aggregated row and the per-request rows of locust's `<prefix>_stats.csv`."""
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    return total, [row for row in rows if row["Name"] != "Aggregated"]


def main() -> int:
    """Seeds, serves, runs locust headless; non-zero when any request failed."""
    from bench.results import record

    if server_url() is None:
        print("this benchmark needs PostgreSQL (DATABASE_URL)", file=sys.stderr)
        return 1
    with scratch_database("booknest_bench_load") as database_url:
        env = base_env(
            database_url,
            REDIS_URL=os.environ.get("REDIS_URL", DEFAULT_REDIS_URL),
            GRAPHQL_WS_MAX_CONNECTIONS="100000",
            GRAPHQL_WS_MAX_CONNECTIONS_PER_IP="100000",
        )
        run_python(["manage.py", "migrate", "-v0"], env)
        world = run_python(["-m", "bench.load", "--seed"], env)
        WORK.mkdir(exist_ok=True)
        seed_file = WORK / "load-world.json"
        seed_file.write_text(world)
        with daphne(env, "load-daphne") as (url, _pid), tempfile.TemporaryDirectory() as tmp:
            prefix = str(Path(tmp) / "load")
            command = [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--host",
                url,
                "--users",
                str(USERS),
                "--spawn-rate",
                str(USERS),
                "--run-time",
                f"{SECONDS}s",
                "--stop-timeout",
                "5",
                "--csv",
                prefix,
                "--only-summary",
                "--loglevel",
                "WARNING",
            ]
            http_file = Path(tmp) / "http.json"
            locust_env = {
                **os.environ,
                "BENCH_LOAD_SEED": str(seed_file),
                "BENCH_LOAD_OUT": str(http_file),
            }
            completed = subprocess.run(
                command, cwd=ROOT, env=locust_env, capture_output=True, text=True, check=False
            )
            print(completed.stdout[-6000:], completed.stderr[-3000:], sep="\n", file=sys.stderr)
            if not Path(f"{prefix}_stats.csv").exists():
                print("locust wrote no statistics", file=sys.stderr)
                return 1
            total, rows = read_stats(prefix)
            http = json.loads(http_file.read_text()) if http_file.exists() else None
            failures = []
            if Path(f"{prefix}_failures.csv").exists():
                with open(f"{prefix}_failures.csv", newline="") as handle:
                    failures = list(csv.DictReader(handle))
    figures = {
        "users": USERS,
        "seconds": SECONDS,
        # Every request and WebSocket event, failed or not; the times are HTTP's only.
        "requests": int(total["Request Count"]),
        "errors": int(total["Failure Count"]),
        "rps": round(float(total["Requests/s"]), 1),
        "http_rps": round(http["http_requests"] / SECONDS, 1) if http else None,
        "p50_ms": http["p50_ms"] if http else float(total["50%"]),
        "p99_ms": http["p99_ms"] if http else float(total["99%"]),
        "ws_events": sum(
            int(row["Request Count"]) for row in rows if row["Name"].startswith("event")
        ),
        "by_request": {
            f"{row['Type']} {row['Name']}": {
                "requests": int(row["Request Count"]),
                "errors": int(row["Failure Count"]),
                "p50_ms": float(row["50%"]),
                "p99_ms": float(row["99%"]),
            }
            for row in rows
        },
        "failures": [
            {
                "request": f"{f['Method']} {f['Name']}",
                "error": f["Error"][:300],
                "n": f["Occurrences"],
            }
            for f in failures[:10]
        ],
        "load_tool": "locust (same machine as the server)",
    }
    figures["meets_goal"] = figures["errors"] == 0 and figures["requests"] > 0
    print(json.dumps(record("load", figures), indent=2))
    return 0 if figures["meets_goal"] else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["--seed"]:
        seed()
    else:
        sys.exit(main())
