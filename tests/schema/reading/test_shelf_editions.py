"""The edition a reader reads: `setReadingStatus(editionId)`, `UserBook.edition` and `pages`,
progress in pages measured against that edition, goals counting its pages, copies of an
edition, and merges keeping every shelf, copy and rating with their editions."""

from decimal import Decimal

import pytest
from django.utils import timezone

from apps.catalog.models import Edition
from apps.lending.models import BookCopy
from apps.reading.models import Rating, ReadingStatus, UserBook
from apps.reading.progress import read_in_years
from tests.factories import make_book, make_book_copy, make_rating, make_user, make_user_book
from tests.schema.reading.helpers import gid

pytestmark = pytest.mark.django_db

SET_STATUS = """mutation($bookId: ID!, $status: ReadingStatus!, $editionId: ID) {
  setReadingStatus(bookId: $bookId, status: $status, editionId: $editionId) {
    userBook { status pages edition { title pages isbn13 } }
    errors { code field }
  }
}"""
PROGRESS = """mutation($bookId: ID!, $pages: Int) {
  updateProgress(bookId: $bookId, pages: $pages) {
    userBook { progressPages pages } errors { code field message }
  }
}"""


@pytest.fixture
def dune():
    book = make_book("Dune", isbn13="9780441172719", pages=412)
    Edition.objects.create(book=book, title="Dune (large print)", isbn13="9780441013593", pages=896)
    return book


def large_print():
    return Edition.objects.get(isbn13="9780441013593")


def status(gql, book, value, edition=None):
    variables = {"bookId": gid(book), "status": value}
    if edition is not None:
        variables["editionId"] = gid(edition)
    result = gql(SET_STATUS, variables)
    assert "errors" not in result, result
    return result["data"]["setReadingStatus"]


def test_the_reader_names_their_edition_and_progress_counts_its_pages(gql, dune):
    gql.login(make_user())
    shelf = status(gql, dune, "WANT_TO_READ")
    assert shelf["userBook"] == {"status": "WANT_TO_READ", "pages": 412, "edition": None}
    shelf = status(gql, dune, "READING", large_print())
    assert shelf["userBook"]["edition"] == {
        "title": "Dune (large print)",
        "pages": 896,
        "isbn13": "9780441013593",
    }
    assert shelf["userBook"]["pages"] == 896
    # Past the default edition's 412 pages, within the large print's 896.
    result = gql(PROGRESS, {"bookId": gid(dune), "pages": 600})["data"]["updateProgress"]
    assert result == {"userBook": {"progressPages": 600, "pages": 896}, "errors": []}
    result = gql(PROGRESS, {"bookId": gid(dune), "pages": 900})["data"]["updateProgress"]
    assert result["errors"] == [
        {"code": "INVALID", "field": "pages", "message": "This edition has 896 pages."}
    ]
    # Left out, the edition stays.
    assert status(gql, dune, "READ")["userBook"]["edition"]["pages"] == 896


def test_an_edition_of_another_book_is_refused(gql, dune):
    gql.login(make_user())
    other = make_book("Emma")
    payload = status(gql, other, "READING", large_print())
    assert (payload["userBook"], payload["errors"]) == (
        None,
        [{"code": "INVALID", "field": "editionId"}],
    )
    result = gql(
        SET_STATUS, {"bookId": gid(dune), "status": "READ", "editionId": gid("Edition", 10**9)}
    )
    assert result["data"]["setReadingStatus"]["errors"] == [
        {"code": "NOT_FOUND", "field": "editionId"}
    ]
    assert not UserBook.objects.exists()


def test_goals_count_the_pages_of_the_edition_read(dune):
    reader = make_user()
    today = timezone.localdate()
    make_user_book(
        reader, dune, status=ReadingStatus.READ, finished_at=today, edition=large_print()
    )
    make_user_book(reader, make_book(pages=100), status=ReadingStatus.READ, finished_at=today)
    read = read_in_years([(reader.pk, today.year)])[(reader.pk, today.year)]
    assert (read.books, read.pages) == (2, 996)


def test_a_copy_of_an_edition(gql, dune):
    gql.login(make_user())
    result = gql(
        """mutation($b: ID!, $e: ID) {
          addCopy(bookId: $b, editionId: $e) { copy { edition { title } } errors { code field } }
        }""",
        {"b": gid(dune), "e": gid(large_print())},
    )
    assert result["data"]["addCopy"] == {
        "copy": {"edition": {"title": "Dune (large print)"}},
        "errors": [],
    }
    other = make_book("Emma")
    result = gql(
        """mutation($b: ID!, $e: ID) { addCopy(bookId: $b, editionId: $e) { errors { code field } } }""",
        {"b": gid(other), "e": gid(large_print())},
    )
    assert result["data"]["addCopy"]["errors"] == [{"code": "INVALID", "field": "editionId"}]


def test_merging_books_moves_their_editions_with_every_shelf_copy_and_rating(gql, dune):
    librarian = make_user(is_staff=True)
    duplicate = make_book("Dune (audio)", isbn13="9780593099322")
    audio = duplicate.editions.get()
    reader, other = make_user(), make_user()
    entry = make_user_book(reader, duplicate, edition=audio, status=ReadingStatus.READING)
    make_user_book(other, dune, edition=large_print())
    copy = make_book_copy(duplicate, edition=audio)
    make_rating(reader, duplicate, value=Decimal("4.5"))
    gql.login(librarian)
    result = gql(
        """mutation($s: ID!, $d: [ID!]!) {
          mergeBooks(survivorId: $s, duplicateIds: $d) {
            book { isbn13 editions(first: 10) { totalCount edges { node { isbn13 isDefault } } } }
            errors { code }
          }
        }""",
        {"s": gid(dune), "d": [gid(duplicate)]},
    )
    book = result["data"]["mergeBooks"]["book"]
    assert book["isbn13"] == "9780441172719"
    assert [(e["node"]["isbn13"], e["node"]["isDefault"]) for e in book["editions"]["edges"]] == [
        ("9780441172719", True),
        ("9780441013593", False),
        ("9780593099322", False),
    ]
    entry.refresh_from_db()
    assert (entry.book_id, entry.edition_id) == (dune.pk, audio.pk)
    assert BookCopy.objects.get(pk=copy.pk).book_id == dune.pk
    assert BookCopy.objects.get(pk=copy.pk).edition_id == audio.pk
    assert Rating.objects.get(user=reader).book_id == dune.pk
    assert UserBook.objects.get(user=other).edition_id == large_print().pk
