"""`importBookByIsbn`: a book added once from Open Library, and enrichment of imported books."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.catalog.models import Book
from apps.imports.jobs import start_import
from apps.imports.models import ImportedBook
from tests.factories import make_author, make_book, make_user
from tests.imports.files import goodreads_csv
from tests.openlibrary.server import DOWN, DUNE, MORT, UNKNOWN

pytestmark = pytest.mark.django_db

MUTATION = """
mutation ($isbn: String!) {
  importBookByIsbn(isbn: $isbn) {
    book { title subtitle pages authors { name } }
    created
    errors { code field message }
  }
}"""


def test_a_reader_adds_a_book_once(gql, openlibrary):
    gql.login(make_user())
    first = gql(MUTATION, {"isbn": "978-0-441-01359-3"})["data"]["importBookByIsbn"]
    assert first["errors"] == [] and first["created"] is True
    assert (first["book"]["title"], first["book"]["pages"]) == ("Dune", 604)
    again = gql(MUTATION, {"isbn": "0441013597"})["data"]["importBookByIsbn"]
    assert again["created"] is False and again["book"]["title"] == "Dune"
    book = Book.objects.get(isbn13=DUNE)
    assert (book.openlibrary_id, book.publisher) == ("OL7353617M", "Ace Books")
    assert [a.name for a in book.authors.all()] == ["Frank Herbert"]
    assert ImportedBook.objects.filter(book=book).exists()  # for librarian review
    assert Book.objects.count() == 1


def test_a_book_already_in_the_catalogue_is_returned_without_asking(gql, openlibrary):
    make_book("Our Dune", isbn13=DUNE)
    payload = gql.login(make_user())(MUTATION, {"isbn": DUNE})["data"]["importBookByIsbn"]
    assert (payload["created"], payload["book"]["title"]) == (False, "Our Dune")
    assert openlibrary.requests == []


@pytest.mark.parametrize(
    ("isbn", "code"), [("12345", "INVALID"), (UNKNOWN, "NOT_FOUND"), (DOWN, "CONFLICT")]
)
def test_refusals(gql, openlibrary, isbn, code):
    payload = gql.login(make_user())(MUTATION, {"isbn": isbn})["data"]["importBookByIsbn"]
    assert payload["book"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, "isbn")]
    assert not Book.objects.exists()


def test_requires_login(gql, openlibrary):
    body = gql(MUTATION, {"isbn": DUNE})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_import_enriches_new_books_from_open_library(
    openlibrary, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.OPENLIBRARY_ENABLED = True
    settings.IMPORT_RUNNER = "inline"
    settings.MEDIA_ROOT = str(tmp_path)
    text = goodreads_csv(
        [
            {"Title": "Dune", "Author": "Frank Herbert", "ISBN13": f'="{DUNE}"'},
            {"Title": "Mort", "ISBN13": f'="{MORT}"', "Publisher": "Our Press"},
            {"Title": "Nobody Knows", "ISBN13": f'="{UNKNOWN}"'},
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        start_import(make_user(), SimpleUploadedFile("lib.csv", text.encode()))
    dune, mort = Book.objects.get(isbn13=DUNE), Book.objects.get(isbn13=MORT)
    assert (dune.pages, dune.publisher, dune.openlibrary_id) == (604, "Ace Books", "OL7353617M")
    assert mort.publisher == "Our Press"  # the file's value stays; blanks are filled
    assert [a.name for a in mort.authors.all()] == ["Terry Pratchett"]  # the row had none
    assert Book.objects.get(isbn13=UNKNOWN).openlibrary_id == ""
    assert sum(path.startswith("/api/books") for path in openlibrary.paths()) == 1


EDITION_MUTATION = """
mutation ($isbn: String!) {
  importBookByIsbn(isbn: $isbn) {
    book { title editions(first: 5) { totalCount } }
    edition { isbn13 title pages isDefault openlibraryId }
    created
    errors { code field }
  }
}"""


@pytest.mark.parametrize("by", ["work id", "title and author"])
def test_an_isbn_of_a_known_work_becomes_a_new_edition(gql, openlibrary, by):
    herbert = make_author("Frank Herbert")
    work = make_book(
        "Dune",
        [herbert],
        isbn13="9780441172719",
        openlibrary_work_id="OL893415W" if by == "work id" else "",
    )
    if by == "work id":  # the work's title differs: only its Open Library key can tell
        Book.objects.filter(pk=work.pk).update(title="Dune (Dune Chronicles #1)")
    payload = gql.login(make_user())(EDITION_MUTATION, {"isbn": DUNE})["data"]["importBookByIsbn"]
    assert payload["errors"] == [] and payload["created"] is False
    assert payload["book"]["editions"]["totalCount"] == 2
    assert payload["edition"] == {
        "isbn13": DUNE,
        "title": "Dune",
        "pages": 604,
        "isDefault": False,
        "openlibraryId": "OL7353617M",
    }
    assert Book.objects.count() == 1 and not ImportedBook.objects.exists()
    assert Book.objects.get().openlibrary_work_id == "OL893415W"


def test_a_new_book_from_open_library_knows_its_work(gql, openlibrary):
    payload = gql.login(make_user())(EDITION_MUTATION, {"isbn": DUNE})["data"]["importBookByIsbn"]
    assert payload["created"] is True and payload["edition"]["isDefault"] is True
    assert Book.objects.get().openlibrary_work_id == "OL893415W"
