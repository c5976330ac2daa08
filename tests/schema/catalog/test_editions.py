"""Works and editions through the API: librarians' edition mutations with every error code,
the reads (`Book.editions`, `defaultEdition`, `edition(isbn)`, `book(isbn)` through any edition)
and the book's deprecated edition fields following its default edition."""

import pytest
from django.db import IntegrityError, transaction

from apps.catalog.models import Book, Edition
from apps.lending.models import BookCopy
from apps.reading.models import ReadingStatus, UserBook
from tests.factories import make_book, make_book_copy, make_user, make_user_book
from tests.schema.catalog.support import gid

pytestmark = pytest.mark.django_db

# Valid ISBNs of three editions of one work, and one with a wrong check digit.
HARDCOVER = ("0441172717", "9780441172719")
PAPERBACK = ("0441013597", "9780441013593")
SPANISH13 = "9788497596824"
BAD13 = "9780441013590"

EDITION = """id isDefault isbn10 isbn13 format title subtitle language publisher
  publicationYear publishedDate pages durationMinutes openlibraryId book { id title isbn13 pages }"""

CREATE = f"""mutation($input: CreateEditionInput!) {{
  createEdition(input: $input) {{ edition {{ {EDITION} }} errors {{ code field message }} }}
}}"""
UPDATE = f"""mutation($id: ID!, $input: UpdateEditionInput!) {{
  updateEdition(id: $id, input: $input) {{ edition {{ {EDITION} }} errors {{ code field message }} }}
}}"""
DELETE = """mutation($id: ID!) {
  deleteEdition(id: $id) { deletedId errors { code field message } }
}"""
SET_DEFAULT = f"""mutation($id: ID!) {{
  setDefaultEdition(id: $id) {{ edition {{ {EDITION} }} errors {{ code field message }} }}
}}"""
MOVE = f"""mutation($e: ID!, $b: ID!) {{
  moveEdition(editionId: $e, toBookId: $b) {{ edition {{ {EDITION} }} errors {{ code field }} }}
}}"""
BOOK = f"""query($id: ID, $isbn: String, $filter: EditionFilter) {{
  book(id: $id, isbn: $isbn) {{
    id title isbn13 pages format language
    defaultEdition {{ {EDITION} }}
    editions(first: 10, filter: $filter) {{ totalCount edges {{ node {{ title isbn13 }} }} }}
  }}
}}"""


def call(gql, query, **variables) -> dict:
    result = gql(query, variables)
    assert "errors" not in result, result
    return next(iter(result["data"].values()))


def codes(payload) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


@pytest.fixture
def dune():
    return make_book("Dune", isbn10=HARDCOVER[0], isbn13=HARDCOVER[1], pages=412)


def add(gql, book, **input) -> dict:
    payload = call(gql, CREATE, input={"bookId": gid(book), **input})
    assert payload["errors"] == [], payload
    return payload["edition"]


# --- createEdition ---------------------------------------------------------------------------


def test_create_edition_with_every_field(gql, librarian, dune):
    gql.login(librarian)
    edition = add(
        gql,
        dune,
        isbn13=PAPERBACK[1],
        format="PAPERBACK",
        title="Dune",
        subtitle="40th anniversary",
        language="en_us",
        publisher="Ace",
        publishedDate="2005-08-02",
        pages=896,
        openlibraryId="OL7353617M",
    )
    assert edition | {"id": None} == {
        "id": None,
        "isDefault": False,
        "isbn10": PAPERBACK[0],  # brought by the ISBN-13
        "isbn13": PAPERBACK[1],
        "format": "PAPERBACK",
        "title": "Dune",
        "subtitle": "40th anniversary",
        "language": "en-US",
        "publisher": "Ace",
        "publicationYear": 2005,
        "publishedDate": "2005-08-02",
        "pages": 896,
        "durationMinutes": None,
        "openlibraryId": "OL7353617M",
        # The default edition (from the book's own fields) stays the book's.
        "book": {"id": gid(dune), "title": "Dune", "isbn13": HARDCOVER[1], "pages": 412},
    }
    assert Edition.objects.filter(book=dune).count() == 2


def test_create_edition_takes_the_books_title_and_an_isbn10_alone(gql, librarian, dune):
    gql.login(librarian)
    edition = add(gql, dune, isbn10="0-441-01359-7", format="AUDIOBOOK", durationMinutes=1260)
    assert (edition["title"], edition["isbn13"], edition["durationMinutes"]) == (
        "Dune",
        PAPERBACK[1],
        1260,
    )


@pytest.mark.parametrize(
    ("input", "expected"),
    [
        ({"isbn13": BAD13}, [("INVALID", "isbn13")]),
        ({"isbn10": "0441013598"}, [("INVALID", "isbn10")]),
        ({"isbn13": PAPERBACK[1], "isbn10": "0441172717"}, [("INVALID", "isbn10")]),
        ({"isbn13": HARDCOVER[1]}, [("CONFLICT", "isbn13")]),
        ({"isbn10": HARDCOVER[0]}, [("CONFLICT", "isbn13")]),
        (
            {"pages": 0, "durationMinutes": -1},
            [("INVALID", "pages"), ("INVALID", "durationMinutes")],
        ),
        ({"title": "  "}, [("REQUIRED", "title")]),
        ({"language": "not a tag!"}, [("INVALID", "language")]),
        ({"openlibraryId": "OL1W"}, [("INVALID", "openlibraryId")]),
        ({"publishedDate": "2001-01-01", "publicationYear": 1999}, [("INVALID", "publishedDate")]),
    ],
)
def test_create_edition_refuses_bad_input_and_writes_nothing(gql, librarian, dune, input, expected):
    gql.login(librarian)
    payload = call(gql, CREATE, input={"bookId": gid(dune), **input})
    assert (payload["edition"], codes(payload)) == (None, expected)
    assert Edition.objects.filter(book=dune).count() == 1


def test_create_edition_of_an_unknown_book_is_not_found(gql, librarian):
    gql.login(librarian)
    payload = call(gql, CREATE, input={"bookId": gid(10**9, "Book")})
    assert codes(payload) == [("NOT_FOUND", "bookId")]


def test_edition_mutations_are_for_librarians_only(gql, dune):
    default = dune.editions.get()
    result = gql(CREATE, {"input": {"bookId": gid(dune)}})
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    gql.login(make_user())
    for query, variables in (
        (CREATE, {"input": {"bookId": gid(dune), "isbn13": PAPERBACK[1]}}),
        (UPDATE, {"id": gid(default), "input": {"pages": 1}}),
        (DELETE, {"id": gid(default)}),
        (SET_DEFAULT, {"id": gid(default)}),
        (MOVE, {"e": gid(default), "b": gid(make_book())}),
    ):
        assert codes(call(gql, query, **variables)) == [("NOT_ALLOWED", None)]
    assert Edition.objects.count() == 2 and default.pages == 412


# --- the database's own guard ----------------------------------------------------------------


def test_one_default_edition_per_book_and_isbns_unique_across_editions(dune):
    # SQLite names the columns of a failed unique index, PostgreSQL the constraint.
    one_default = r"edition_one_default_per_book|catalog_edition\.book_id"
    with pytest.raises(IntegrityError, match=one_default), transaction.atomic():
        Edition.objects.create(book=dune, title="Dune", is_default=True)
    other = make_book("Other")
    unique = r"edition_isbn13_unique|catalog_edition\.isbn13"
    with pytest.raises(IntegrityError, match=unique), transaction.atomic():
        Edition.objects.create(book=other, title="Dune", isbn13=HARDCOVER[1])
    with pytest.raises(IntegrityError, match="edition_isbn13_format"), transaction.atomic():
        Edition.objects.create(book=other, title="Dune", isbn13="97804411727")
    Edition.objects.create(book=other, title="Other, an edition without ISBN")  # "" repeats


# --- updateEdition / setDefaultEdition: the book's fields follow its default -------------------


def test_the_books_deprecated_fields_follow_its_default_edition(gql, librarian, dune):
    gql.login(librarian)
    paperback = add(gql, dune, isbn13=PAPERBACK[1], pages=896, format="PAPERBACK")
    payload = call(gql, SET_DEFAULT, id=paperback["id"])
    assert payload["edition"]["isDefault"] is True
    assert payload["edition"]["book"] == {
        "id": gid(dune),
        "title": "Dune",
        "isbn13": PAPERBACK[1],
        "pages": 896,
    }
    assert list(
        Edition.objects.filter(book=dune, is_default=True).values_list("isbn13", flat=True)
    ) == [PAPERBACK[1]]
    payload = call(gql, UPDATE, id=paperback["id"], input={"pages": 900, "language": "en"})
    assert (payload["edition"]["book"]["pages"], Book.objects.get(pk=dune.pk).language) == (
        900,
        "en",
    )
    # Editing a non-default edition leaves the book alone.
    hardcover = dune.editions.get(isbn13=HARDCOVER[1])
    call(gql, UPDATE, id=gid(hardcover), input={"pages": 1})
    assert Book.objects.get(pk=dune.pk).pages == 900


def test_update_book_isbn_goes_to_its_default_edition(gql, librarian, dune):
    gql.login(librarian)
    add(gql, dune, isbn13=PAPERBACK[1])
    result = gql(
        """mutation($id: ID!, $input: UpdateBookInput!) {
          updateBook(id: $id, input: $input) { book { isbn13 } errors { code field } }
        }""",
        {"id": gid(dune), "input": {"isbn": PAPERBACK[1]}},
    )
    # Another edition of the same book has it: a conflict, not two editions with one ISBN.
    assert result["data"]["updateBook"]["errors"] == [{"code": "CONFLICT", "field": "isbn"}]
    result = gql(
        """mutation($id: ID!, $input: UpdateBookInput!) {
          updateBook(id: $id, input: $input) { book { isbn13 defaultEdition { isbn13 } } }
        }""",
        {"id": gid(dune), "input": {"isbn": "978-0-593-09932-2"}},
    )
    book = result["data"]["updateBook"]["book"]
    assert book == {"isbn13": "9780593099322", "defaultEdition": {"isbn13": "9780593099322"}}


# --- deleteEdition ---------------------------------------------------------------------------


def test_delete_edition_is_refused_while_a_shelf_or_a_copy_names_it(gql, librarian, dune):
    gql.login(librarian)
    add(gql, dune, isbn13=PAPERBACK[1])
    paperback = Edition.objects.get(isbn13=PAPERBACK[1])
    entry = make_user_book(make_user(), dune, edition=paperback)
    payload = call(gql, DELETE, id=gid(paperback))
    assert codes(payload) == [("CONFLICT", "id")]
    entry.delete()
    copy = make_book_copy(dune, edition=paperback)
    assert codes(call(gql, DELETE, id=gid(paperback))) == [("CONFLICT", "id")]
    copy.delete()
    payload = call(gql, DELETE, id=gid(paperback))
    assert payload == {"deletedId": gid(paperback), "errors": []}
    assert not Edition.objects.filter(pk=paperback.pk).exists()


def test_deleting_the_default_makes_the_oldest_other_one_default(gql, librarian, dune):
    gql.login(librarian)
    add(gql, dune, isbn13=PAPERBACK[1], pages=896)
    add(gql, dune, isbn13=SPANISH13, language="es")
    call(gql, DELETE, id=gid(dune.editions.get(is_default=True)))
    book = call(gql, BOOK, id=gid(dune))
    assert (book["isbn13"], book["pages"], book["defaultEdition"]["isbn13"]) == (
        PAPERBACK[1],
        896,
        PAPERBACK[1],
    )
    # The last edition stays: a book is never left without one.
    call(gql, DELETE, id=gid(Edition.objects.get(isbn13=SPANISH13)))
    last = dune.editions.get()
    assert codes(call(gql, DELETE, id=gid(last))) == [("CONFLICT", "id")]


# --- reads -----------------------------------------------------------------------------------


def test_book_by_any_editions_isbn_and_edition_by_isbn(gql, librarian, dune):
    gql.login(librarian)
    add(gql, dune, isbn13=PAPERBACK[1], format="PAPERBACK")
    add(gql, dune, isbn13=SPANISH13, language="es", title="Dune (edición española)")
    gql.logout()
    for isbn in (HARDCOVER[0], PAPERBACK[0], "978-84-9759-682-4"):
        assert call(gql, BOOK, isbn=isbn)["id"] == gid(dune)
    edition = call(
        gql,
        "query($isbn: String!) { edition(isbn: $isbn) { title language book { title } } }",
        isbn=SPANISH13,
    )
    assert edition == {
        "title": "Dune (edición española)",
        "language": "es",
        "book": {"title": "Dune"},
    }
    assert gql('query { edition(isbn: "9780306406157") { id } }')["data"]["edition"] is None


def test_book_editions_are_filtered_by_format_and_language(gql, librarian, dune):
    gql.login(librarian)
    add(gql, dune, isbn13=PAPERBACK[1], format="PAPERBACK", language="en-GB")
    add(gql, dune, isbn13=SPANISH13, language="es", title="Dune ES")
    book = call(gql, BOOK, id=gid(dune))
    assert [e["node"]["isbn13"] for e in book["editions"]["edges"]] == [
        HARDCOVER[1],
        PAPERBACK[1],
        SPANISH13,
    ]
    assert book["editions"]["totalCount"] == 3
    paperbacks = call(gql, BOOK, id=gid(dune), filter={"format": "PAPERBACK"})["editions"]
    assert [e["node"]["isbn13"] for e in paperbacks["edges"]] == [PAPERBACK[1]]
    english = call(gql, BOOK, id=gid(dune), filter={"language": "EN"})["editions"]
    assert [e["node"]["isbn13"] for e in english["edges"]] == [PAPERBACK[1]]
    result = gql(BOOK, {"id": gid(dune), "filter": {"language": "x" * 40}})
    assert result["errors"][0]["extensions"]["code"] == "INVALID"


def test_an_edition_is_a_node(gql, dune):
    edition = dune.editions.get()
    result = gql(
        "query($id: ID!) { node(id: $id) { id ... on Edition { isbn13 book { title } } } }",
        {"id": gid(edition)},
    )
    assert result["data"]["node"] == {
        "id": gid(edition),
        "isbn13": HARDCOVER[1],
        "book": {"title": "Dune"},
    }


# --- moveEdition -----------------------------------------------------------------------------


def test_move_edition_takes_its_shelves_and_copies_along(gql, librarian, dune):
    gql.login(librarian)
    messiah = make_book("Dune Messiah")
    add(gql, dune, isbn13=PAPERBACK[1], title="Dune Messiah")  # wrongly filed under Dune
    wrong = Edition.objects.get(isbn13=PAPERBACK[1])
    reader, other = make_user(), make_user()
    entry = make_user_book(reader, dune, edition=wrong, status=ReadingStatus.READ)
    stays = make_user_book(other, dune)  # names no edition: stays with Dune
    copy = make_book_copy(dune, edition=wrong)
    payload = call(gql, MOVE, e=gid(wrong), b=gid(messiah))
    assert payload["errors"] == []
    assert (payload["edition"]["isDefault"], payload["edition"]["book"]["id"]) == (
        False,
        gid(messiah),
    )
    assert UserBook.objects.get(pk=entry.pk).book_id == messiah.pk
    assert UserBook.objects.get(pk=stays.pk).book_id == dune.pk
    assert BookCopy.objects.get(pk=copy.pk).book_id == messiah.pk
    assert Book.objects.get(pk=dune.pk).isbn13 == HARDCOVER[1]


def test_move_edition_refusals(gql, librarian, dune):
    gql.login(librarian)
    messiah = make_book("Dune Messiah")
    only = dune.editions.get()
    assert codes(call(gql, MOVE, e=gid(only), b=gid(messiah))) == [("CONFLICT", "editionId")]
    add(gql, dune, isbn13=PAPERBACK[1])
    paperback = Edition.objects.get(isbn13=PAPERBACK[1])
    assert codes(call(gql, MOVE, e=gid(paperback), b=gid(dune))) == [("INVALID", "toBookId")]
    assert codes(call(gql, MOVE, e=gid(paperback), b=gid(10**9, "Book"))) == [
        ("NOT_FOUND", "toBookId")
    ]
    reader = make_user()
    make_user_book(reader, dune, edition=paperback)
    make_user_book(reader, messiah)
    assert codes(call(gql, MOVE, e=gid(paperback), b=gid(messiah))) == [("CONFLICT", "toBookId")]
    assert Edition.objects.get(pk=paperback.pk).book_id == dune.pk


def test_moving_the_default_edition_promotes_another(gql, librarian, dune):
    gql.login(librarian)
    add(gql, dune, isbn13=PAPERBACK[1], pages=896)
    empty = Book.objects.create(title="Dune (split)")  # a book with no editions yet
    call(gql, MOVE, e=gid(dune.editions.get(is_default=True)), b=gid(empty))
    assert (Book.objects.get(pk=dune.pk).isbn13, Book.objects.get(pk=dune.pk).pages) == (
        PAPERBACK[1],
        896,
    )
    moved = Edition.objects.get(isbn13=HARDCOVER[1])
    assert (moved.book_id, moved.is_default, Book.objects.get(pk=empty.pk).isbn13) == (
        empty.pk,
        True,
        HARDCOVER[1],
    )
