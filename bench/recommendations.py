"""Benchmark: `manage.py evaluate_recommendations` on Book-Crossing (433,667 explicit ratings).

Leave-one-out (one liked book held out per reader with at least 5 ratings; liked = 4 stars or
more of 5), hit-rate@10 and NDCG@10 of the item-item recommender against the popularity
baseline. Bars: the recommender beats popularity on hit-rate@10, and the whole run (reading the
file, training, evaluating) takes under 5 minutes. No database is used for that part.

Then, on PostgreSQL (DATABASE_URL, by default a `booknest_bench_recommendations` database created
when missing and emptied first), the same ratings are loaded as BookNest readers, books and
ratings, and timed: `compute_neighbours` (full), an incremental refresh after 100 new ratings, and
`recommendedBooks`' service for a heavy and a typical reader (SQL queries and milliseconds: the
request reads the reader's own rows and the neighbours of their books, never all ratings).
Bars: full run under 10 minutes, a recommendation under 200 ms.
"""

import csv
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RATINGS_CSV = ROOT.parent / "shared" / "data" / "book-crossing" / "ratings.csv"
BAR_S = 300.0
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/booknest_bench_recommendations"
FULL_RUN_BAR_S = 600.0
REQUEST_BAR_MS = 200.0
BATCH = 10_000


def main() -> int:
    if not RATINGS_CSV.is_file():
        print(f"skipped: {RATINGS_CSV} not found")
        return 0
    database_url = os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    on_postgres = urlsplit(database_url).scheme in {"postgres", "postgresql", "pgsql"}
    if on_postgres:
        _create_database(database_url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "booknest.settings")
    os.environ.setdefault("DJANGO_DEBUG", "true")  # no secret key needed: nothing is served
    import django

    django.setup()
    from django.core.management import call_command, load_command_class

    from bench.results import record

    command = load_command_class("apps.discovery", "evaluate_recommendations")
    started = time.perf_counter()
    call_command(command, str(RATINGS_CSV), stdout=StringIO())
    seconds = time.perf_counter() - started
    figures = {**command.figures, "dataset": "book-crossing", "seconds": round(seconds, 1)}
    entry = record("recommendations", figures)
    print(
        f"{figures['evaluated_readers']} readers in {seconds:.1f} s; hit-rate@10 "
        f"recommender {figures['recommender']['hit_rate_at_10']:.4f} vs popularity "
        f"{figures['popularity']['hit_rate_at_10']:.4f}; NDCG@10 "
        f"{figures['recommender']['ndcg_at_10']:.4f} vs {figures['popularity']['ndcg_at_10']:.4f}"
    )
    problems = []
    if not entry["recommender"]["hit_rate_at_10"] > entry["popularity"]["hit_rate_at_10"]:
        problems.append("the recommender does not beat the popularity baseline on hit-rate@10")
    if seconds > BAR_S:
        problems.append(f"took {seconds:.0f} s, bar {BAR_S:.0f} s")
    if on_postgres:
        database = _database_figures()
        record("recommendations", {"database": database})
        print(
            f"database: loaded in {database['load_s']} s; compute_neighbours full "
            f"{database['full_run_s']} s ({database['neighbour_rows']} rows), incremental "
            f"{database['incremental_run_s']} s ({database['incremental_books']} books); "
            f"recommendedBooks {database['request']}"
        )
        if database["full_run_s"] > FULL_RUN_BAR_S:
            problems.append(f"compute_neighbours took {database['full_run_s']} s")
        slowest = max(r["median_ms"] for r in database["request"].values())
        if slowest > REQUEST_BAR_MS:
            problems.append(f"a recommendation took {slowest} ms, bar {REQUEST_BAR_MS:.0f} ms")
    else:
        print("database part skipped: it needs PostgreSQL (DATABASE_URL)")
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


def _create_database(database_url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not exists.fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _database_figures() -> dict:
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from apps.accounts.models import User
    from apps.catalog.models import Book
    from apps.discovery.models import BookNeighbour, NeighbourRun
    from apps.discovery.neighbours import compute_all, refresh_changed
    from apps.discovery.recommendations import recommend
    from apps.reading.models import Rating

    unusable = make_password(None)  # bench readers cannot log in
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        tables = [m._meta.db_table for m in (BookNeighbour, NeighbourRun, Rating, Book, User)]
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")

    started = time.perf_counter()
    with open(RATINGS_CSV, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    user_keys = sorted({row["user_id"] for row in rows})
    book_keys = sorted({row["book_id"] for row in rows})
    User.objects.bulk_create(
        (
            User(username=f"bx{key}", email=f"bx{key}@example.invalid", password=unusable)
            for key in user_keys
        ),
        batch_size=BATCH,
    )
    Book.objects.bulk_create((Book(title=key) for key in book_keys), batch_size=BATCH)
    users = dict(User.objects.values_list("username", "pk"))
    books = dict(Book.objects.values_list("title", "pk"))
    Rating.objects.bulk_create(
        (
            Rating(
                user_id=users[f"bx{row['user_id']}"],
                book_id=books[row["book_id"]],
                value=Decimal(row["rating"]),
            )
            for row in rows
        ),
        batch_size=BATCH,
    )
    load_s = time.perf_counter() - started
    k = 50

    started = time.perf_counter()
    compute_all(k)
    full_s = time.perf_counter() - started
    neighbour_rows = BookNeighbour.objects.count()

    rng = random.Random(7)
    some_books = list(Book.objects.order_by("-pk").values_list("pk", flat=True)[:2000])
    fresh_readers = User.objects.bulk_create(
        [
            User(username=f"new{n}", email=f"new{n}@example.invalid", password=unusable)
            for n in range(50)
        ]
    )
    Rating.objects.bulk_create(
        [
            Rating(user=reader, book_id=book_id, value=Decimal(5))
            for reader in fresh_readers
            for book_id in rng.sample(some_books, 2)
        ]
    )
    started = time.perf_counter()
    incremental_books = refresh_changed(k)
    incremental_s = time.perf_counter() - started

    counts = Rating.objects.values("user_id").order_by().annotate(n=Count("id"))
    heavy = max(counts, key=lambda row: row["n"])
    typical = sorted(counts, key=lambda row: row["n"])[len(counts) * 9 // 10]
    request = {}
    for name, row in (("heavy_reader", heavy), ("typical_reader", typical)):
        reader = User.objects.get(pk=row["user_id"])
        timings = []
        for _ in range(5):
            with CaptureQueriesContext(connection) as queries:
                begun = time.perf_counter()
                found = recommend(reader, 10)
                timings.append((time.perf_counter() - begun) * 1000)
        request[name] = {
            "ratings": row["n"],
            "queries": len(queries),
            "median_ms": round(statistics.median(timings), 1),
            "collaborative": sum(1 for r in found if r.because_of_id is not None),
        }
    return {
        "load_s": round(load_s, 1),
        "full_run_s": round(full_s, 1),
        "neighbour_rows": neighbour_rows,
        "incremental_run_s": round(incremental_s, 2),
        "incremental_books": incremental_books,
        "request": request,
    }


if __name__ == "__main__":
    sys.exit(main())
