"""Library imports and exports with works of several editions: an ISBN finds its edition then
its book, an unknown ISBN of a known work becomes a new edition of it (not a new book), the
shelf entry names the edition read, and exports write that edition's ISBN."""

import csv
import io

import pytest

from apps.catalog.models import Book, Edition
from apps.imports.export import export_text
from apps.imports.models import ImportedBook
from apps.reading.models import UserBook
from tests.factories import make_author, make_book, make_user
from tests.imports.files import goodreads_csv, storygraph_csv
from tests.imports.helpers import run_import

pytestmark = pytest.mark.django_db

HARDCOVER = ("0441172717", "9780441172719")
PAPERBACK = ("0441013597", "9780441013593")
AUDIO13 = "9780593099322"


@pytest.fixture
def imported(django_capture_on_commit_callbacks):
    def run(user, text, fmt="auto"):
        return run_import(django_capture_on_commit_callbacks, user, text, fmt)

    return run


@pytest.fixture
def dune():
    herbert = make_author("Frank Herbert")
    book = make_book("Dune", [herbert], isbn10=HARDCOVER[0], isbn13=HARDCOVER[1], pages=412)
    Edition.objects.create(
        book=book, title="Dune", isbn10=PAPERBACK[0], isbn13=PAPERBACK[1], pages=896
    )
    return book


def test_each_reader_gets_the_edition_their_file_names(imported, dune):
    hard, paper = make_user("hard"), make_user("paper")
    imported(
        hard,
        goodreads_csv(
            [
                {
                    "Title": "Dune",
                    "Author": "Frank Herbert",
                    "ISBN13": f'="{HARDCOVER[1]}"',
                    "Exclusive Shelf": "read",
                }
            ]
        ),
    )
    job = imported(
        paper,
        goodreads_csv(
            [
                {
                    "Title": "Dune",
                    "Author": "Frank Herbert",
                    "ISBN": f'="{PAPERBACK[0]}"',
                    "ISBN13": '=""',
                    "Exclusive Shelf": "to-read",
                }
            ]
        ),
    )
    assert (job.created_count, job.failed_count) == (1, 0)
    assert Book.objects.count() == 1  # one work, whatever edition the files own
    hard_entry, paper_entry = UserBook.objects.get(user=hard), UserBook.objects.get(user=paper)
    assert (hard_entry.book_id, hard_entry.edition.isbn13) == (dune.pk, HARDCOVER[1])
    assert (paper_entry.book_id, paper_entry.edition.isbn13) == (dune.pk, PAPERBACK[1])


def test_an_unknown_isbn_of_a_known_work_becomes_a_new_edition(imported, dune):
    reader = make_user()
    job = imported(
        reader,
        goodreads_csv(
            [
                {
                    "Title": "Dune",
                    "Author": "Frank Herbert",
                    "ISBN13": f'="{AUDIO13}"',
                    "Publisher": "Penguin Audio",
                    "Number of Pages": "",
                    "Exclusive Shelf": "currently-reading",
                }
            ]
        ),
    )
    assert (job.created_count, job.failed_count) == (1, 0)
    assert Book.objects.count() == 1 and not ImportedBook.objects.exists()
    edition = Edition.objects.get(isbn13=AUDIO13)
    assert (edition.book_id, edition.is_default, edition.publisher) == (
        dune.pk,
        False,
        "Penguin Audio",
    )
    assert UserBook.objects.get(user=reader).edition_id == edition.pk
    assert Book.objects.get(pk=dune.pk).isbn13 == HARDCOVER[1]  # the default is unchanged


def test_one_file_owning_two_editions_of_a_new_work_makes_one_book(imported):
    reader, friend = make_user(), make_user()
    text = storygraph_csv(
        [
            {
                "Title": "Piranesi",
                "Authors": "Susanna Clarke",
                "ISBN/UID": "9781635575637",
                "Read Status": "read",
            },
        ]
    )
    imported(reader, text)
    text = storygraph_csv(
        [
            {
                "Title": "Piranesi",
                "Authors": "Susanna Clarke",
                "ISBN/UID": "9781526622426",
                "Read Status": "to-read",
            },
        ]
    )
    imported(friend, text)
    book = Book.objects.get()
    assert sorted(book.editions.values_list("isbn13", "is_default")) == [
        ("9781526622426", False),
        ("9781635575637", True),
    ]
    assert UserBook.objects.get(user=friend).edition.isbn13 == "9781526622426"


def test_exports_write_the_readers_edition_and_reimport_finds_it(imported, dune):
    reader = make_user()
    paperback = Edition.objects.get(isbn13=PAPERBACK[1])
    UserBook.objects.create(user=reader, book=dune, edition=paperback, status="read")
    for fmt, column in (("goodreads", "ISBN13"), ("csv", "isbn13")):
        rows = list(csv.DictReader(io.StringIO(export_text(reader, fmt))))
        assert rows[0][column].strip('="') == PAPERBACK[1]
    assert (
        next(csv.DictReader(io.StringIO(export_text(reader, "goodreads"))))["Number of Pages"]
        == "896"
    )
    fresh = make_user()
    imported(fresh, export_text(reader, "goodreads"))
    entry = UserBook.objects.get(user=fresh)
    assert (entry.book_id, entry.edition_id) == (dune.pk, paperback.pk)
