"""Importing a library file: matching, writing, counters, idempotence and the no-overwrite rule."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.catalog.models import Book
from apps.imports.models import ImportedBook, ImportStatus
from apps.notifications.models import Notification
from apps.reading.models import Rating, ReadingList, Review, UserBook
from tests.factories import make_author, make_book, make_rating, make_user, make_user_book
from tests.imports.files import goodreads_csv
from tests.imports.helpers import errors_of, run_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(django_capture_on_commit_callbacks):
    def run(user, text, fmt="auto"):
        return run_import(django_capture_on_commit_callbacks, user, text, fmt)

    return run


def test_goodreads_library_lands_on_the_readers_shelves(imported):
    herbert = make_author("Frank Herbert")
    dune = make_book("Dune", isbn13="9780441013593", isbn10="0441013597", authors=[herbert])
    austen = make_author("Jane Austen")
    emma = make_book("Emma", authors=[austen])  # no ISBN: matched by title and author
    other_reader = make_user()
    make_rating(other_reader, dune, value=Decimal("3"))
    reader = make_user()
    text = goodreads_csv(
        [
            {
                "Title": "Dune (Dune, #1)",
                "Author": "Frank Herbert",
                "ISBN13": '="9780441013593"',
                "My Rating": "5",
                "Exclusive Shelf": "read",
                "Date Read": "2021/03/04",
                "My Review": "Spice.<br/>Flows.",
                "Bookshelves": "sci-fi, favourites",
                "Read Count": "2",
                "Owned Copies": "1",
            },
            {
                "Title": "Emma",
                "Author": "Jane  Austen",
                "ISBN": '=""',
                "ISBN13": '=""',
                "Exclusive Shelf": "currently-reading",
                "Bookshelves": "classics",
            },
            {
                "Title": "Mort (Discworld, #4)",
                "Author": "Terry Pratchett",
                "ISBN13": '="9780552131063"',
                "My Rating": "4",
                "Exclusive Shelf": "abandoned",
                "Bookshelves": "favourites",
            },
        ]
    )
    job = imported(reader, text)

    assert job.status == ImportStatus.SUCCEEDED
    assert (job.total_rows, job.processed_rows) == (3, 3)
    assert (job.created_count, job.updated_count, job.skipped_count, job.failed_count) == (
        3,
        0,
        0,
        0,
    )
    shelves = {e.book.title: e for e in UserBook.objects.filter(user=reader).select_related("book")}
    assert shelves["Dune"].book == dune
    assert shelves["Emma"].book == emma
    assert (shelves["Dune"].status, shelves["Dune"].finished_at) == ("read", date(2021, 3, 4))
    assert (shelves["Dune"].read_count, shelves["Dune"].owned_copies) == (2, 1)
    assert shelves["Emma"].status == "reading"
    assert shelves["Mort"].status == "did_not_finish"
    mort = shelves["Mort"].book
    assert (mort.series.name, mort.series_position, mort.isbn10) == ("Discworld", 4, "0552131067")
    assert [a.name for a in mort.authors.all()] == ["Terry Pratchett"]
    assert ImportedBook.objects.filter(book=mort, job=job).exists()
    assert not ImportedBook.objects.filter(book=dune).exists()
    assert Review.objects.get(user=reader, book=dune).body == "Spice.\nFlows."
    dune.refresh_from_db()
    assert (dune.ratings_count, dune.average_rating) == (2, Decimal("4.00"))
    lists = {
        lst.name: [b.title for b in lst.books.order_by("list_items__position")]
        for lst in ReadingList.objects.filter(owner=reader)
    }
    assert lists == {"sci-fi": ["Dune"], "favourites": ["Dune", "Mort"], "classics": ["Emma"]}
    note = Notification.objects.get(recipient=reader, type__key="import_finished")
    assert note.data["created"] == 3 and note.data["status"] == "succeeded"


def test_reimporting_the_same_file_changes_nothing(imported):
    reader = make_user()
    text = goodreads_csv(
        [
            {
                "Title": f"Book {n}",
                "Author": "Some One",
                "My Rating": "4",
                "Exclusive Shelf": "read",
                "Date Read": "2022/01/0" + str(n + 1),
                "My Review": "ok",
                "Bookshelves": "mine",
            }
            for n in range(3)
        ]
    )
    imported(reader, text)
    before = {
        "books": Book.objects.count(),
        "entries": list(UserBook.objects.values_list("id", "status", "updated_at")),
        "ratings": list(Rating.objects.values_list("id", "value", "updated_at")),
        "reviews": list(Review.objects.values_list("id", "body", "updated_at")),
        "lists": ReadingList.objects.count(),
    }
    again = imported(reader, text)
    assert again.status == ImportStatus.SUCCEEDED
    assert (again.created_count, again.updated_count, again.skipped_count) == (0, 0, 3)
    after = {
        "books": Book.objects.count(),
        "entries": list(UserBook.objects.values_list("id", "status", "updated_at")),
        "ratings": list(Rating.objects.values_list("id", "value", "updated_at")),
        "reviews": list(Review.objects.values_list("id", "body", "updated_at")),
        "lists": ReadingList.objects.count(),
    }
    assert after == before


def test_import_never_overwrites_what_the_reader_changed_later(imported):
    reader = make_user()
    kept = make_book("Kept", isbn13="9780441013593")
    replaced = make_book("Replaced", isbn13="9780552131063")
    make_user_book(reader, kept, status="reading")  # changed in BookNest today
    make_rating(reader, kept, value=Decimal("2"))
    old = make_user_book(reader, replaced, status="want_to_read")
    make_rating(reader, replaced, value=Decimal("2"))
    long_ago = timezone.now() - timedelta(days=400)
    UserBook.objects.filter(pk=old.pk).update(updated_at=long_ago)
    Rating.objects.filter(book=replaced).update(updated_at=long_ago)
    recent = (timezone.localdate() - timedelta(days=10)).strftime("%Y/%m/%d")
    text = goodreads_csv(
        [
            {
                "Title": "Kept",
                "ISBN13": '="9780441013593"',
                "My Rating": "5",
                "Exclusive Shelf": "read",
                "Date Read": recent,
            },
            {
                "Title": "Replaced",
                "ISBN13": '="9780552131063"',
                "My Rating": "5",
                "Exclusive Shelf": "read",
                "Date Read": recent,
            },
        ]
    )
    job = imported(reader, text)
    assert (job.created_count, job.updated_count, job.skipped_count) == (0, 1, 1)
    assert UserBook.objects.get(user=reader, book=kept).status == "reading"
    assert Rating.objects.get(user=reader, book=kept).value == Decimal("2")
    assert UserBook.objects.get(user=reader, book=replaced).status == "read"
    assert Rating.objects.get(user=reader, book=replaced).value == Decimal("5")
    replaced.refresh_from_db()
    assert replaced.average_rating == Decimal("5.00")


def test_malformed_rows_are_reported_and_nothing_of_them_is_written(imported):
    reader = make_user()
    good = [
        {
            "Title": f"Good {n}",
            "Author": "Writer",
            "ISBN13": "",
            "My Rating": "3",
            "Exclusive Shelf": "read",
            "Bookshelves": "list",
        }
        for n in range(36)
    ]
    bad = [
        {"Title": ""},
        {"Title": "Bad rating", "My Rating": "7"},
        {"Title": "Bad date", "Date Added": "yesterday"},
        {"Title": "Future", "Date Added": "2999/01/01"},
    ]
    rows = good[:9] + bad[:1] + good[9:18] + bad[1:2] + good[18:27] + bad[2:3] + good[27:] + bad[3:]
    job = imported(reader, goodreads_csv(rows))
    assert job.status == ImportStatus.SUCCEEDED
    assert (job.processed_rows, job.created_count, job.failed_count) == (40, 36, 4)
    errors = errors_of(job)
    assert sorted(errors) == [10, 20, 30, 40]
    assert "title is empty" in errors[10]
    assert "out of range" in errors[20]
    assert "not a date" in errors[30]
    assert "in the future" in errors[40]
    assert UserBook.objects.filter(user=reader).count() == 36
    assert Book.objects.count() == 36  # no catalogue entry for a refused row
    assert not Book.objects.filter(title__in=["Bad rating", "Bad date", "Future"]).exists()


def test_a_batch_the_database_refuses_is_retried_row_by_row(imported, monkeypatch, settings):
    from django.db import IntegrityError

    from apps.imports import writer

    settings.IMPORT_BATCH_SIZE = 10
    original = writer.write_batch

    def refuse_poison(user, rows, *ids):
        result = original(user, rows, *ids)
        if any(row.title == "Poison" for row in rows):
            raise IntegrityError("refused: poison")
        return result

    monkeypatch.setattr("apps.imports.importer.write_batch", refuse_poison)
    reader = make_user()
    rows = [{"Title": f"Fine {n}", "My Rating": "4"} for n in range(5)]
    rows.insert(2, {"Title": "Poison", "My Rating": "4"})
    job = imported(reader, goodreads_csv(rows))
    assert (job.created_count, job.failed_count) == (5, 1)
    assert "database refused the row: refused: poison" in errors_of(job)[3]
    titles = set(UserBook.objects.filter(user=reader).values_list("book__title", flat=True))
    assert titles == {f"Fine {n}" for n in range(5)}
    assert not Book.objects.filter(title="Poison").exists()
    assert Rating.objects.filter(user=reader).count() == 5


def test_batches_commit_progress_as_they_go(imported, settings, monkeypatch):
    from apps.imports import events

    settings.IMPORT_BATCH_SIZE = 2
    seen = []

    def spy(job):
        seen.append((job.processed_rows, job.status))
        events.publish_import_progress(job)

    monkeypatch.setattr("apps.imports.importer.publish_import_progress", spy)
    job = imported(make_user(), goodreads_csv([{"Title": f"T{n}"} for n in range(5)]))
    assert seen == [(2, "running"), (4, "running"), (5, "running")]
    assert job.processed_rows == 5


def test_storygraph_library_lands_with_half_star_ratings_tags_and_owned(imported):
    from tests.imports.files import storygraph_csv

    reader = make_user()
    text = storygraph_csv(
        [
            {
                "Title": "Piranesi",
                "Authors": "Susanna Clarke",
                "ISBN/UID": "9781635575637",
                "Read Status": "read",
                "Last Date Read": "2021/02/10",
                "Dates Read": "2021/02/01-2021/02/10",
                "Star Rating": "4.25",
                "Tags": "fantasy",
                "Owned?": "Yes",
                "Review": "Beautiful",
            },
            {
                "Title": "Sg Only",
                "Authors": "Someone",
                "ISBN/UID": "sg-1234",
                "Read Status": "currently-reading",
                "Star Rating": "",
                "Owned?": "No",
            },
        ]
    )
    job = imported(reader, text)
    assert (job.format, job.created_count, job.failed_count) == ("storygraph", 2, 0)
    piranesi = UserBook.objects.get(user=reader, book__isbn13="9781635575637")
    assert (piranesi.status, piranesi.started_at, piranesi.finished_at) == (
        "read",
        date(2021, 2, 1),
        date(2021, 2, 10),
    )
    assert piranesi.owned_copies == 1
    assert Rating.objects.get(user=reader, book=piranesi.book).value == Decimal("4.5")
    assert list(ReadingList.objects.filter(owner=reader).values_list("name", flat=True)) == [
        "fantasy"
    ]
    other = UserBook.objects.get(user=reader, book__title="Sg Only")
    assert (other.status, other.book.isbn13) == ("reading", "")
