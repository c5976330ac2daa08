"""`createBook` and `updateBook`: happy paths, every error code, and who may call them."""

from decimal import Decimal

import pytest

from apps.catalog.models import Book, BookAuthor
from tests.factories import make_author, make_book, make_genre, make_series
from tests.schema.catalog.support import gid

pytestmark = pytest.mark.django_db

BOOK_FIELDS = """
  id title subtitle description language pages publisher format publicationYear
  originalPublicationYear isbn10 isbn13 openlibraryId goodreadsId seriesPosition
  series { name } authors { name } genres { slug }
  contributors { role position author { name } }
"""

CREATE = f"""
mutation($input: CreateBookInput!) {{
  createBook(input: $input) {{
    book {{ {BOOK_FIELDS} }}
    errors {{ code field message }}
  }}
}}
"""

UPDATE = f"""
mutation($id: ID!, $input: UpdateBookInput!) {{
  updateBook(id: $id, input: $input) {{
    book {{ {BOOK_FIELDS} }}
    errors {{ code field message }}
  }}
}}
"""


def create(gql, **input) -> dict:
    result = gql(CREATE, {"input": input})
    assert "errors" not in result, result
    return result["data"]["createBook"]


def update(gql, book, **input) -> dict:
    result = gql(UPDATE, {"id": gid(book), "input": input})
    assert "errors" not in result, result
    return result["data"]["updateBook"]


def codes(payload) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


# --- createBook ------------------------------------------------------------------------------


def test_create_book_with_every_field(gql, librarian):
    tolkien, tolkien_jr = make_author("J. R. R. Tolkien"), make_author("Christopher Tolkien")
    illustrator = make_author("Alan Lee")
    fantasy, classics = make_genre("Fantasy", slug="fantasy"), make_genre("Classics", slug="cl")
    series = make_series("Middle-earth")
    gql.login(librarian)

    payload = create(
        gql,
        title="  The Silmarillion ",
        subtitle="Tales of the First Age",
        description="Myths and legends.",
        language="eng",
        pages=365,
        publisher="Allen & Unwin",
        format="HARDCOVER",
        publicationYear=1977,
        originalPublicationYear=1977,
        isbn="0-04-823139-8",
        authorIds=[gid(tolkien)],
        contributors=[
            {"authorId": gid(tolkien_jr), "role": "EDITOR"},
            {"authorId": gid(illustrator), "role": "ILLUSTRATOR"},
        ],
        genreIds=[gid(fantasy), gid(classics)],
        seriesId=gid(series),
        seriesPosition="0.5",
        openlibraryId="OL7353617M",
        goodreadsId="7332",
    )

    assert payload["errors"] == []
    book = payload["book"]
    assert book["title"] == "The Silmarillion"  # trimmed
    assert book["language"] == "en"  # ISO 639-2 "eng" stored as its BCP 47 tag
    assert (book["isbn10"], book["isbn13"]) == ("0048231398", "9780048231390")
    assert book["format"] == "HARDCOVER"
    assert book["series"] == {"name": "Middle-earth"}
    assert Decimal(book["seriesPosition"]) == Decimal("0.5")
    assert [a["name"] for a in book["authors"]] == ["J. R. R. Tolkien"]
    assert [(c["role"], c["position"], c["author"]["name"]) for c in book["contributors"]] == [
        ("AUTHOR", 0, "J. R. R. Tolkien"),
        ("EDITOR", 1, "Christopher Tolkien"),
        ("ILLUSTRATOR", 2, "Alan Lee"),
    ]
    assert sorted(g["slug"] for g in book["genres"]) == ["cl", "fantasy"]
    assert Book.objects.get(isbn13="9780048231390").pages == 365


def test_create_book_with_title_only_and_isbn13(gql, staff):
    gql.login(staff)
    payload = create(gql, title="Dune", isbn="978-0-441-17271-9")
    assert payload["errors"] == []
    assert (payload["book"]["isbn10"], payload["book"]["isbn13"]) == ("0441172717", "9780441172719")
    assert payload["book"]["authors"] == [] and payload["book"]["format"] == "UNKNOWN"


def test_create_book_979_isbn_has_no_isbn10(gql, staff):
    gql.login(staff)
    payload = create(gql, title="New", isbn="979-10-90636-07-1")
    assert (payload["book"]["isbn10"], payload["book"]["isbn13"]) == ("", "9791090636071")


@pytest.mark.parametrize(
    ("input", "expected"),
    [
        ({"title": "  "}, [("REQUIRED", "title")]),
        ({"title": "x" * 501}, [("INVALID", "title")]),
        ({"title": "T", "isbn": "978-0-441-17271-8"}, [("INVALID", "isbn")]),
        ({"title": "T", "isbn": "12345"}, [("INVALID", "isbn")]),
        ({"title": "T", "pages": 0}, [("INVALID", "pages")]),
        ({"title": "T", "publicationYear": 3000}, [("INVALID", "publicationYear")]),
        (
            {"title": "T", "originalPublicationYear": -5000},
            [("INVALID", "originalPublicationYear")],
        ),
        ({"title": "T", "language": "english language"}, [("INVALID", "language")]),
        ({"title": "T", "openlibraryId": "OL1A"}, [("INVALID", "openlibraryId")]),
        ({"title": "T", "goodreadsId": "abc"}, [("INVALID", "goodreadsId")]),
        ({"title": "T", "seriesPosition": "1"}, [("INVALID", "seriesPosition")]),
        ({"title": "T", "authorIds": [gid(10**9, "Author")]}, [("NOT_FOUND", "authorIds")]),
        ({"title": "T", "authorIds": [gid(1, "Book")]}, [("NOT_FOUND", "authorIds")]),
        (
            {"title": "T", "contributors": [{"authorId": gid(10**9, "Author")}]},
            [("NOT_FOUND", "contributors")],
        ),
        ({"title": "T", "genreIds": [gid(10**9, "Genre")]}, [("NOT_FOUND", "genreIds")]),
        ({"title": "T", "genreIds": [gid(2**70, "Genre")]}, [("NOT_FOUND", "genreIds")]),
        ({"title": "T", "authorIds": [gid(2**70, "Author")]}, [("NOT_FOUND", "authorIds")]),
        ({"title": "T", "seriesId": gid(2**70, "Series")}, [("NOT_FOUND", "seriesId")]),
        ({"title": "T", "seriesId": gid(10**9, "Series")}, [("NOT_FOUND", "seriesId")]),
        (
            {"title": "", "pages": -1, "isbn": "0000000001"},
            [("REQUIRED", "title"), ("INVALID", "pages"), ("INVALID", "isbn")],
        ),
    ],
)
def test_create_book_reports_each_invalid_field(gql, librarian, input, expected):
    gql.login(librarian)
    payload = create(gql, **input)
    assert payload["book"] is None
    assert sorted(codes(payload)) == sorted(expected)
    assert all(e["message"] for e in payload["errors"])
    assert not Book.objects.exists()


def test_create_book_series_position_bounds(gql, librarian):
    series = make_series()
    gql.login(librarian)
    for position in ["-1", "10000", "1.005"]:
        payload = create(gql, title="T", seriesId=gid(series), seriesPosition=position)
        assert codes(payload) == [("INVALID", "seriesPosition")], position


def test_create_book_same_author_twice_in_one_role_is_invalid(gql, librarian):
    author = make_author()
    gql.login(librarian)
    payload = create(
        gql,
        title="T",
        authorIds=[gid(author)],
        contributors=[{"authorId": gid(author), "role": "AUTHOR"}],
    )
    assert codes(payload) == [("INVALID", "contributors")]
    # …while one person in two roles is fine.
    payload = create(
        gql,
        title="T",
        authorIds=[gid(author)],
        contributors=[{"authorId": gid(author), "role": "ILLUSTRATOR"}],
    )
    assert payload["errors"] == []


@pytest.mark.parametrize("spelling", ["0441172717", "978-0441172719", "0 441 17271 7"])
def test_create_book_isbn_of_another_book_is_a_conflict(gql, librarian, spelling):
    make_book("Dune", isbn10="0441172717", isbn13="9780441172719")
    gql.login(librarian)
    payload = create(gql, title="Dune again", isbn=spelling)
    assert codes(payload) == [("CONFLICT", "isbn")]
    assert Book.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "existing"),
    [
        ("openlibraryId", "OL1M", {"openlibrary_id": "OL1M"}),
        ("goodreadsId", "234225", {"goodreads_id": "234225"}),
    ],
)
def test_create_book_external_id_of_another_book_is_a_conflict(
    gql, librarian, field, value, existing
):
    make_book(**existing)
    gql.login(librarian)
    payload = create(gql, title="T", **{field: value})
    assert codes(payload) == [("CONFLICT", field)]


# --- updateBook ------------------------------------------------------------------------------


def test_update_book_changes_only_given_fields_and_null_clears(gql, librarian):
    series = make_series()
    book = make_book(
        "Dune",
        subtitle="A novel",
        pages=412,
        original_publication_year=1965,
        series=series,
        series_position=1,
        isbn13="9780441172719",
        isbn10="0441172717",
        genres=[make_genre()],
    )
    gql.login(librarian)

    payload = update(gql, book, subtitle="", pages=None, seriesId=None, publisher="Chilton")

    assert payload["errors"] == []
    result = payload["book"]
    assert (result["title"], result["subtitle"], result["pages"]) == ("Dune", "", None)
    assert result["publisher"] == "Chilton"
    assert result["originalPublicationYear"] == 1965  # not given: unchanged
    assert result["series"] is None and result["seriesPosition"] is None  # place went too
    assert result["isbn13"] == "9780441172719" and len(result["genres"]) == 1


def test_update_book_replaces_byline_and_genres(gql, librarian):
    old, new, translator = make_author("Old"), make_author("New"), make_author("Translator")
    genre = make_genre()
    book = make_book("T", authors=[old], genres=[make_genre()])
    gql.login(librarian)

    payload = update(
        gql,
        book,
        authorIds=[gid(new)],
        contributors=[{"authorId": gid(translator), "role": "TRANSLATOR"}],
        genreIds=[gid(genre)],
    )

    assert [a["name"] for a in payload["book"]["authors"]] == ["New"]
    assert [c["author"]["name"] for c in payload["book"]["contributors"]] == ["New", "Translator"]
    assert [g["slug"] for g in payload["book"]["genres"]] == [genre.slug]
    assert not BookAuthor.objects.filter(author=old).exists()

    payload = update(gql, book, authorIds=[], contributors=None, genreIds=[])
    assert payload["book"]["contributors"] == [] and payload["book"]["genres"] == []


def test_update_book_isbn_changes_and_clears_both_forms(gql, librarian):
    book = make_book("T", isbn10="0441172717", isbn13="9780441172719")
    gql.login(librarian)
    payload = update(gql, book, isbn="978-0-439-02348-1")
    assert (payload["book"]["isbn10"], payload["book"]["isbn13"]) == ("0439023483", "9780439023481")
    payload = update(gql, book, isbn=None)
    assert (payload["book"]["isbn10"], payload["book"]["isbn13"]) == ("", "")


def test_update_book_keeping_its_own_isbn_is_no_conflict(gql, librarian):
    book = make_book("T", isbn10="0441172717", isbn13="9780441172719", goodreads_id="1")
    gql.login(librarian)
    payload = update(gql, book, isbn="0441172717", goodreadsId="1", title="Dune")
    assert payload["errors"] == []


def test_update_book_errors(gql, librarian):
    make_book("Other", isbn10="0441172717", isbn13="9780441172719", openlibrary_id="OL2M")
    book = make_book("T")
    gql.login(librarian)

    assert codes(update(gql, book, title=None)) == [("REQUIRED", "title")]
    assert codes(update(gql, book, isbn="9780441172719")) == [("CONFLICT", "isbn")]
    assert codes(update(gql, book, openlibraryId="OL2M")) == [("CONFLICT", "openlibraryId")]
    assert codes(update(gql, book, seriesPosition="2")) == [("INVALID", "seriesPosition")]
    assert codes(update(gql, book, format=None)) == []  # null: back to UNKNOWN

    result = gql(UPDATE, {"id": gid(10**9, "Book"), "input": {"title": "X"}})
    assert codes(result["data"]["updateBook"]) == [("NOT_FOUND", "id")]
    result = gql(UPDATE, {"id": gid(book.pk, "Author"), "input": {"title": "X"}})
    assert codes(result["data"]["updateBook"]) == [("NOT_FOUND", "id")]
    book.refresh_from_db()
    assert book.title == "T"
