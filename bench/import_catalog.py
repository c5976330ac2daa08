"""Benchmark: `manage.py import_catalog` on the full goodbooks-10k books.csv, twice, on PostgreSQL.

The first run measures a cold import into empty catalogue tables; the second the re-run of the
same file (every row matched, nothing duplicated). A third run, not part of the bars asked
for, imports a copy where every `ratings_count` moved, as a newer dump would: every book is
updated, the path that once took 25 s. Bars: each run within 30 s. Uses DATABASE_URL (default: a `booknest_bench` database on the
local server, created when missing); the catalogue tables of that database are emptied first.
"""

import csv
import io
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BOOKS_CSV = ROOT.parent / "shared" / "data" / "goodbooks-10k" / "books.csv"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/booknest_bench"
BARS_S = {"first_run_s": 30.0, "second_run_s": 30.0, "changed_run_s": 30.0}
EXPECTED_BOOKS = 10_000


def main() -> int:
    if not BOOKS_CSV.is_file():
        print(f"skipped: {BOOKS_CSV} not found")
        return 0
    database_url = os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    if urlsplit(database_url).scheme not in {"postgres", "postgresql", "pgsql"}:
        print(f"this benchmark needs PostgreSQL; DATABASE_URL is {database_url}", file=sys.stderr)
        return 1
    _create_database(database_url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "booknest.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    _empty_catalogue()

    first_s, _ = _timed_import(BOOKS_CSV)
    first = _counts()
    second_s, _ = _timed_import(BOOKS_CSV)
    second = _counts()
    with tempfile.TemporaryDirectory() as folder:
        changed_s, changed_out = _timed_import(_with_new_ratings_counts(Path(folder)))
    changed = _counts()

    figures = {
        "first_run_s": round(first_s, 2),
        "second_run_s": round(second_s, 2),
        "changed_run_s": round(changed_s, 2),
        "books": second["books"],
        "authors": second["authors"],
        "duplicates": second["duplicates"],
    }
    problems = [
        f"{name} {figures[name]} s is over the {bar:.0f} s bar"
        for name, bar in BARS_S.items()
        if figures[name] > bar
    ]
    if first["books"] != EXPECTED_BOOKS or second["books"] != EXPECTED_BOOKS:
        problems.append(
            f"expected {EXPECTED_BOOKS} books, found {first['books']}, then {second['books']}"
        )
    if second["duplicates"] or changed["duplicates"]:
        problems.append(f"{second['duplicates']} duplicates after the second run")
    if f"books updated:   {EXPECTED_BOOKS}" not in changed_out or changed != second:
        problems.append(f"the changed file did not update every book only: {changed}")
    if first["authors"] != second["authors"]:
        problems.append(f"authors went from {first['authors']} to {second['authors']}")
    if problems:
        print("FAILED: " + "; ".join(problems), file=sys.stderr)
        return 1
    from bench.results import record

    print(record("import_catalog", figures))
    return 0


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


def _empty_catalogue() -> None:
    from django.db import connection

    from apps.catalog.models import Author, Book, BookAuthor, Series

    tables = [model._meta.db_table for model in (BookAuthor, Book, Author, Series)]
    tables.append(Book.genres.through._meta.db_table)
    with connection.cursor() as cursor:
        # CASCADE also empties what points at books (shelves, copies) in this bench database.
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def _timed_import(path: Path) -> tuple[float, str]:
    from django.core.management import call_command

    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    call_command("import_catalog", str(path), stdout=out, stderr=err)
    elapsed = time.perf_counter() - started
    print(out.getvalue().rstrip())
    return elapsed, out.getvalue()


def _with_new_ratings_counts(folder: Path) -> Path:
    """A copy of books.csv in which every book gained one rating."""
    path = folder / "books-newer.csv"
    with BOOKS_CSV.open(encoding="utf-8", newline="") as source:
        rows = list(csv.DictReader(source))
    with path.open("w", encoding="utf-8", newline="") as target:
        writer = csv.DictWriter(target, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow(row | {"ratings_count": str(int(row["ratings_count"]) + 1)})
    return path


def _counts() -> dict[str, int]:
    from django.db.models import Count

    from apps.catalog.models import Author, Book, BookAuthor, Series

    def repeated(queryset, *fields) -> int:
        groups = queryset.values(*fields).annotate(n=Count("id")).filter(n__gt=1)
        return sum(group["n"] - 1 for group in groups)

    books = Book.objects.all()
    duplicates = (
        repeated(books, "goodreads_id")
        + repeated(books.exclude(isbn13=""), "isbn13")
        + repeated(Author.objects.all(), "name_key")
        + repeated(Series.objects.all(), "name_key")
        + repeated(BookAuthor.objects.all(), "book", "author", "role")
    )
    return {"books": books.count(), "authors": Author.objects.count(), "duplicates": duplicates}
