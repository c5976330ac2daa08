"""Benchmark: importing a 10,000-row Goodreads library file on PostgreSQL.

The file is generated from goodbooks-10k's books.csv (imported into the catalogue first with
`import_catalog`), so most rows match by ISBN; some rows lose their ISBN (matched by title and
author) and some name books the catalogue lacks (created, for librarian review). Each row has a
shelf, most a rating, some a review and custom shelves (reading lists).

Measured in one run, on the same file:
- the import job (`start_import` + the batched importer), from upload to finished job;
- the naive path: the same parsed rows saved one by one through the ORM (lookups, `create`,
  `save`, the exact rating figures refreshed per rating), which only this benchmark implements;
- a file of 10,000 rows of which 10% are malformed: every good row must land, every bad row be
  reported with its reason, and nothing of a bad row be written.
Bars: the import at >= 1,000 rows/s and >= 10x the naive path. Uses DATABASE_URL (default: a
`booknest_bench_imports` database on the local server, created when missing).
"""

import csv
import io
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BOOKS_CSV = ROOT.parent / "shared" / "data" / "goodbooks-10k" / "books.csv"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/booknest_bench_imports"
ROWS = 10_000
MIN_ROWS_PER_S = 1_000
MIN_SPEEDUP = 10
SHELVES = ["favourites", "book-club", "sci-fi", "classics", "owned", "2019", "2020", "re-read"]


def main() -> int:
    if not BOOKS_CSV.is_file():
        print(f"skipped: {BOOKS_CSV} not found")
        return 0
    database_url = os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    if urlsplit(database_url).scheme not in {"postgres", "postgresql", "pgsql"}:
        print(f"this benchmark needs PostgreSQL; DATABASE_URL is {database_url}", file=sys.stderr)
        return 1
    from bench.import_catalog import _create_database

    _create_database(database_url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "booknest.settings")
    os.environ["IMPORT_RUNNER"] = "inline"
    os.environ["OPENLIBRARY_ENABLED"] = "false"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-imports-only-not-a-secret-key")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    _prepare_catalogue(call_command)

    rng = random.Random(7)
    text = goodreads_file(rng, ROWS)
    _warm_up()
    fast_s, fast_job = _timed_job("bench-imports-fast", text)
    fast = _library("bench-imports-fast")
    _forget_imported_books()  # the naive path creates the same new books again
    naive_s, naive_failed = _timed_naive("bench-imports-naive", text)
    naive = _library("bench-imports-naive")
    bad_text, bad_rows = malformed_file(random.Random(11), ROWS)
    _forget_imported_books()
    bad_s, bad_job = _timed_job("bench-imports-malformed", bad_text)

    figures = {
        "rows": ROWS,
        "import_s": round(fast_s, 2),
        "import_rows_per_s": round(ROWS / fast_s),
        "naive_s": round(naive_s, 2),
        "naive_rows_per_s": round(ROWS / naive_s),
        "speedup": round(naive_s / fast_s, 1),
        "batch_size": _setting("IMPORT_BATCH_SIZE"),
        "created_books": fast_job.created_books,
        "library": fast,
        "malformed": {
            "rows": ROWS,
            "bad_rows": len(bad_rows),
            "import_s": round(bad_s, 2),
            "created": bad_job.created_count,
            "failed": bad_job.failed_count,
        },
    }
    problems = []
    if ROWS / fast_s < MIN_ROWS_PER_S:
        problems.append(f"{ROWS / fast_s:.0f} rows/s is under {MIN_ROWS_PER_S}")
    if naive_s / fast_s < MIN_SPEEDUP:
        problems.append(f"only {naive_s / fast_s:.1f}x the naive path")
    if fast_job.failed_count or naive_failed:
        problems.append(f"failed rows: {fast_job.failed_count} (job), {naive_failed} (naive)")
    if fast != naive:
        problems.append(f"the two paths disagree: {fast} vs {naive}")
    problems += _check_malformed(bad_job, bad_rows)
    from bench.results import record

    # Recorded either way: a missed bar is a figure too (the summary table marks it).
    figures["meets_goal"] = not problems
    print(record("imports", figures))
    if problems:
        print("FAILED: " + "; ".join(problems), file=sys.stderr)
        return 1
    return 0


def _setting(name: str):
    from django.conf import settings

    return getattr(settings, name)


def _prepare_catalogue(call_command) -> None:
    from django.contrib.auth import get_user_model

    from apps.catalog.models import Book

    get_user_model().objects.filter(username__startswith="bench-imports-").delete()
    _forget_imported_books()
    if Book.objects.exclude(goodreads_id="").count() < 9_000:
        call_command("import_catalog", str(BOOKS_CSV), stdout=io.StringIO())


def _warm_up() -> None:
    """A small import first (then undone), so that the timed run measures the importer, not
    Python's first imports or a cold database cache; then fresh planner statistics."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    _timed_job("bench-imports-warm-up", goodreads_file(random.Random(3), 300))
    get_user_model().objects.filter(username="bench-imports-warm-up").delete()
    _forget_imported_books()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _forget_imported_books() -> None:
    """Deletes the books earlier imports created, so each run starts from the same catalogue."""
    from apps.catalog.models import Book
    from apps.imports.models import ImportedBook

    Book.objects.filter(pk__in=ImportedBook.objects.values("book_id")).delete()


# --- the files -----------------------------------------------------------------------------


def _catalogue_rows() -> list[dict]:
    with BOOKS_CSV.open(encoding="utf-8", newline="") as source:
        return list(csv.DictReader(source))


def goodreads_file(rng: random.Random, count: int) -> str:
    """`count` Goodreads rows: 92% catalogue books by ISBN, 5% by title and author only, 3%
    books the catalogue lacks."""
    from apps.imports.formats import goodreads

    books = _catalogue_rows()
    rng.shuffle(books)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=goodreads.COLUMNS, lineterminator="\n")
    writer.writeheader()
    today = date.today()
    for n in range(count):
        book = books[n % len(books)]
        kind = rng.random()
        title, isbn = book["title"], book["isbn"]
        if kind > 0.97:
            title, isbn = f"Unpublished Draft {n}", ""
        elif kind > 0.92:
            isbn = ""
        shelf = rng.choices(
            ["read", "to-read", "currently-reading", "did-not-finish"], [60, 30, 5, 5]
        )[0]
        read_on = today - timedelta(days=rng.randrange(1, 3000))
        writer.writerow(
            {
                "Book Id": str(n + 1),
                "Title": title,
                "Author": book["authors"].split(",")[0].strip(),
                "Additional Authors": ", ".join(a.strip() for a in book["authors"].split(",")[1:]),
                "ISBN": f'="{isbn}"',
                "ISBN13": '=""',
                "My Rating": str(rng.choice([0, 1, 2, 3, 4, 4, 5, 5])) if shelf == "read" else "0",
                "Average Rating": book["average_rating"],
                "Publisher": "",
                "Binding": rng.choice(["Paperback", "Hardcover", "Kindle Edition"]),
                "Number of Pages": str(rng.randrange(80, 900)),
                "Year Published": book["original_publication_year"].split(".")[0],
                "Original Publication Year": book["original_publication_year"].split(".")[0],
                "Date Read": read_on.strftime("%Y/%m/%d") if shelf == "read" else "",
                "Date Added": (read_on - timedelta(days=30)).strftime("%Y/%m/%d"),
                "Bookshelves": ", ".join(rng.sample(SHELVES, rng.choice([0, 0, 1, 2]))),
                "Bookshelves with positions": "",
                "Exclusive Shelf": shelf,
                "My Review": "Loved it.<br/><br/>Would read again." if rng.random() < 0.1 else "",
                "Spoiler": "",
                "Private Notes": "",
                "Read Count": "1" if shelf == "read" else "0",
                "Owned Copies": str(rng.choice([0, 0, 1])),
            }
        )
    return out.getvalue()


def malformed_file(rng: random.Random, count: int) -> tuple[str, set[int]]:
    """A file of `count` rows, every 10th one malformed in one of several ways."""
    rows = list(csv.reader(io.StringIO(goodreads_file(rng, count))))
    header, body = rows[0], rows[1:]
    title, rating, added = (
        header.index("Title"),
        header.index("My Rating"),
        header.index("Date Added"),
    )
    bad = set()
    for index in range(9, count, 10):
        flaw = (index // 10) % 4
        if flaw == 0:
            body[index][title] = ""
        elif flaw == 1:
            body[index][rating] = "11"
        elif flaw == 2:
            body[index][added] = "31/31/2020"
        else:
            body[index] = body[index][:5]  # a truncated line
        bad.add(index + 1)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *body])
    return out.getvalue(), bad


# --- the two paths -------------------------------------------------------------------------


def _user(username: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(username, email=f"{username}@example.com")


def _timed_job(username: str, text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.imports.jobs import start_import
    from apps.imports.models import ImportJob

    user = _user(username)
    started = time.perf_counter()
    job = start_import(user, SimpleUploadedFile("library.csv", text.encode()))
    elapsed = time.perf_counter() - started  # inline runner: the job ran after commit
    job = ImportJob.objects.get(pk=job.pk)
    job.created_books = job.imported_books.count()
    print(
        f"{username}: {elapsed:.2f} s, {job.status}, created {job.created_count}, "
        f"updated {job.updated_count}, skipped {job.skipped_count}, failed {job.failed_count}"
    )
    return elapsed, job


def _timed_naive(username: str, text: str) -> tuple[float, int]:
    from apps.imports.formats.detect import check, header_of, rows_of
    from apps.imports.formats.rows import RowError

    user = _user(username)
    started = time.perf_counter()
    failed = 0
    for item in rows_of(check("auto", header_of(text)), text):
        if isinstance(item, RowError):
            failed += 1
            continue
        _save_row_naively(user, item)
    elapsed = time.perf_counter() - started
    print(f"{username}: {elapsed:.2f} s")
    return elapsed, failed


def _save_row_naively(user, row) -> None:
    """One row through the ORM, one object at a time (what a straightforward importer does)."""
    from apps.catalog.models import Author, Book, BookAuthor
    from apps.core.text import name_key
    from apps.imports.models import ImportedBook
    from apps.reading.models import Rating, ReadingList, ReadingListItem, Review, UserBook
    from apps.reading.services.ratings import refresh_rating_stats

    book = None
    if row.isbn13:
        book = Book.objects.filter(isbn13=row.isbn13).first()
    if book is None and row.isbn10:
        book = Book.objects.filter(isbn10=row.isbn10).first()
    if book is None:
        for candidate in Book.objects.filter(title__iexact=row.title).order_by("id"):
            keys = {a.name_key for a in candidate.authors.all()}
            if name_key(row.title) == name_key(candidate.title) and (
                {name_key(a) for a in row.authors} & keys
            ):
                book = candidate
                break
    if book is None:
        book = Book.objects.create(title=row.title, isbn10=row.isbn10, isbn13=row.isbn13)
        for position, name in enumerate(row.authors):
            author = Author.objects.filter(name_key=name_key(name)).order_by("id").first()
            author = author or Author.objects.create(name=name)
            BookAuthor.objects.get_or_create(
                book=book, author=author, defaults={"position": position}
            )
        ImportedBook.objects.create(book=book)
    UserBook.objects.get_or_create(
        user=user,
        book=book,
        defaults={
            "status": row.status,
            "finished_at": row.finished_at,
            "read_count": row.read_count or 0,
            "owned_copies": row.owned_copies or 0,
        },
    )
    if row.rating is not None:
        Rating.objects.update_or_create(user=user, book=book, defaults={"value": row.rating})
        refresh_rating_stats(book.pk)
    if row.review:
        Review.objects.update_or_create(user=user, book=book, defaults={"body": row.review})
    for name in row.lists:
        reading_list = ReadingList.objects.filter(owner=user, name__iexact=name).first()
        reading_list = reading_list or ReadingList.objects.create(owner=user, name=name)
        if not ReadingListItem.objects.filter(reading_list=reading_list, book=book).exists():
            position = reading_list.items.count() + 1
            ReadingListItem.objects.create(reading_list=reading_list, book=book, position=position)


# --- checks --------------------------------------------------------------------------------


def _library(username: str) -> dict:
    from apps.reading.models import Rating, ReadingListItem, Review, UserBook

    return {
        "entries": UserBook.objects.filter(user__username=username).count(),
        "ratings": Rating.objects.filter(user__username=username).count(),
        "reviews": Review.objects.filter(user__username=username).count(),
        "list_items": ReadingListItem.objects.filter(
            reading_list__owner__username=username
        ).count(),
    }


def _check_malformed(job, bad_rows: set[int]) -> list[str]:
    from apps.reading.models import UserBook

    problems = []
    reported = dict(job.row_errors.values_list("row_number", "reason"))
    if set(reported) != bad_rows:
        problems.append(f"{len(set(reported) ^ bad_rows)} bad rows reported wrongly")
    if any(not reason for reason in reported.values()):
        problems.append("a bad row was reported without a reason")
    # A book named by two rows of the file is one shelf entry: the second row is "skipped".
    entries = UserBook.objects.filter(user=job.user).count()
    good = ROWS - len(bad_rows)
    landed = job.created_count + job.updated_count + job.skipped_count
    if job.status != "succeeded" or landed != good or entries != job.created_count:
        problems.append(
            f"{landed} good rows accounted for of {good}, {entries} shelf entries for "
            f"{job.created_count} created ({job.status})"
        )
    return problems


if __name__ == "__main__":
    sys.exit(main())
