"""`books(filter, order, first, after, last, before)`: every filter, every order in both
directions, and keyset pages that are stable, without duplicates or gaps."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.catalog.models import AuthorRole, Book
from tests.factories import make_author, make_book, make_book_author, make_genre
from tests.schema.catalog.support import gid, walk, walk_back

pytestmark = pytest.mark.django_db

BOOKS = """
query Books($filter: BookFilter, $order: BookOrder, $first: Int, $after: String,
            $last: Int, $before: String) {
  books(filter: $filter, order: $order, first: $first, after: $after,
        last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id title } }
  }
}
"""


@pytest.fixture
def library() -> list[Book]:
    """13 books with ties on every sort key, unknown years, and mixed-case titles."""
    now = timezone.now()
    rows = [
        # title, year, average, count, days ago
        ("Dune", 1965, "4.50", 10, 3),
        ("dune", 1965, "4.50", 10, 3),
        ("Emma", 1815, "3.90", 7, 2),
        ("Beowulf", None, "4.10", 3, 5),
        ("Alpha", 1965, "0", 0, 1),
        ("Gamma", None, "3.90", 7, 1),
        ("Epsilon", -800, "4.50", 2, 2),
        ("Beta", 2001, "2.00", 1, 9),
        ("Zeta", 2001, "4.10", 3, 9),
        ("Eta", None, "0", 0, 3),
        ("Theta", 1990, "5.00", 1, 0),
        ("Iota", 1815, "3.90", 10, 5),
        ("Kappa", 1990, "2.00", 7, 0),
    ]
    books = []
    for title, year, average, count, days in rows:
        book = make_book(
            title,
            original_publication_year=year,
            average_rating=Decimal(average),
            ratings_count=count,
        )
        Book.objects.filter(pk=book.pk).update(created_at=now - timedelta(days=days))
        book.refresh_from_db()
        books.append(book)
    return books


def _key(book: Book, field: str):
    return {
        "TITLE": book.title.lower(),
        "PUBLICATION_YEAR": book.original_publication_year,
        "AVERAGE_RATING": book.average_rating,
        "RATINGS_COUNT": book.ratings_count,
        "RECENTLY_ADDED": book.created_at,
    }[field]


NATURAL_DESC = {"AVERAGE_RATING", "RATINGS_COUNT", "RECENTLY_ADDED"}


def expected(books: list[Book], field: str, direction: str | None) -> list[str]:
    """The documented order: the key (unknown years last), then id ascending in the order's
    default direction; the other direction reverses both, unknown years still last."""
    natural = "DESC" if field in NATURAL_DESC else "ASC"
    direction = direction or natural
    known = [b for b in books if _key(b, field) is not None]
    unknown = [b for b in books if _key(b, field) is None]
    ordered = sorted(known, key=lambda b: (_key(b, field), b.pk if natural == "ASC" else -b.pk))
    unknown.sort(key=lambda b: b.pk)
    if natural == "DESC":
        ordered.reverse()
    if direction != natural:
        ordered.reverse()
        unknown.reverse()
    return [gid(b) for b in ordered + unknown]


ORDERS = [
    (field, direction)
    for field in ["TITLE", "PUBLICATION_YEAR", "AVERAGE_RATING", "RATINGS_COUNT", "RECENTLY_ADDED"]
    for direction in [None, "ASC", "DESC"]
]


@pytest.mark.parametrize(("field", "direction"), ORDERS)
@pytest.mark.parametrize("page_size", [1, 4, 100])
def test_books_order_pages_forward_without_gaps_or_duplicates(
    gql, library, field, direction, page_size
):
    order = {"field": field} | ({"direction": direction} if direction else {})
    nodes = walk(gql, BOOKS, {"order": order}, "books", page_size=page_size)
    assert [n["id"] for n in nodes] == expected(library, field, direction)


@pytest.mark.parametrize(("field", "direction"), ORDERS)
def test_books_order_pages_backward_match_forward(gql, library, field, direction):
    order = {"field": field} | ({"direction": direction} if direction else {})
    nodes = walk_back(gql, BOOKS, {"order": order}, "books", page_size=3)
    assert [n["id"] for n in nodes] == expected(library, field, direction)


def test_books_default_order_is_title_then_id(gql, library):
    nodes = walk(gql, BOOKS, {}, "books", page_size=5)
    assert [n["id"] for n in nodes] == expected(library, "TITLE", "ASC")
    titles = [n["title"] for n in nodes]
    assert titles[:4] == ["Alpha", "Beowulf", "Beta", "Dune"]


def test_books_cursor_stays_valid_when_books_are_added_before_it(gql, library):
    first = gql(BOOKS, {"first": 3})["data"]["books"]
    make_book("Aardvark")  # sorts before the cursor: must not shift the next page
    second = gql(BOOKS, {"first": 3, "after": first["pageInfo"]["endCursor"]})["data"]["books"]
    assert [e["node"]["id"] for e in second["edges"]] == expected(library, "TITLE", "ASC")[3:6]
    assert second["totalCount"] == 14


def test_books_page_info_and_total_count(gql, library):
    page = gql(BOOKS, {"first": 5})["data"]["books"]
    assert page["totalCount"] == 13
    assert page["pageInfo"]["hasNextPage"] is True
    assert page["pageInfo"]["startCursor"] == page["edges"][0]["cursor"]
    assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]


def test_a_connection_asked_without_first_or_last_gives_one_page_of_100(gql, db):
    Book.objects.bulk_create(Book(title=f"Book {n:03}") for n in range(120))
    query = "query($before: String) { books(before: $before) { totalCount edges { cursor } pageInfo { hasNextPage hasPreviousPage } } }"
    page = gql(query)["data"]["books"]
    assert (page["totalCount"], len(page["edges"])) == (120, 100)
    assert page["pageInfo"]["hasNextPage"] is True
    # Paging back from a cursor without `last` gives the page just before it.
    before = gql(query, {"before": page["edges"][-1]["cursor"]})["data"]["books"]
    assert len(before["edges"]) == 99


def test_books_first_is_capped_at_100(gql, library):
    result = gql(BOOKS, {"first": 101})
    assert "data" not in result  # refused before execution (schema/limits/)
    assert result["errors"][0]["extensions"]["code"] == "PAGE_SIZE_TOO_LARGE"
    assert "100" in result["errors"][0]["message"]


# --- filters ---------------------------------------------------------------------------------


def titles(gql, filter: dict, order: dict | None = None) -> list[str]:
    variables = {"filter": filter} | ({"order": order} if order else {})
    return [n["title"] for n in walk(gql, BOOKS, variables, "books", page_size=2)]


def test_books_filter_by_genre_slug_includes_every_genre_below_it(gql):
    fiction = make_genre("Fiction", slug="fiction")
    fantasy = make_genre("Fantasy", slug="fantasy", parent=fiction)
    epic = make_genre("Epic fantasy", slug="epic-fantasy", parent=fantasy)
    poetry = make_genre("Poetry", slug="poetry")
    make_book("Novel", genres=[fiction])
    make_book("Earthsea", genres=[fantasy])
    make_book("Silmarillion", genres=[epic, fantasy])  # in two matching genres: listed once
    make_book("Odes", genres=[poetry])
    make_book("Untagged")

    assert titles(gql, {"genre": "fiction"}) == ["Earthsea", "Novel", "Silmarillion"]
    assert titles(gql, {"genre": "fantasy"}) == ["Earthsea", "Silmarillion"]
    assert titles(gql, {"genre": "epic-fantasy"}) == ["Silmarillion"]
    assert titles(gql, {"genreId": gid(poetry)}) == ["Odes"]
    assert titles(gql, {"genreId": gid(fantasy), "genre": "epic-fantasy"}) == ["Silmarillion"]
    assert titles(gql, {"genre": "no-such-genre"}) == []
    result = gql(BOOKS, {"filter": {"genre": "fiction"}, "first": 1})
    assert result["data"]["books"]["totalCount"] == 3


def test_books_filter_by_author_in_any_role(gql):
    tolkien, translator = make_author("J. R. R. Tolkien"), make_author("Heaney")
    hobbit = make_book("The Hobbit", authors=[tolkien])
    beowulf = make_book("Beowulf")
    make_book_author(beowulf, translator, role=AuthorRole.TRANSLATOR)
    make_book_author(beowulf, tolkien, role=AuthorRole.TRANSLATOR, position=1)
    make_book_author(beowulf, tolkien, role=AuthorRole.EDITOR, position=2)  # two roles: once
    make_book("Emma", authors=[make_author()])

    assert titles(gql, {"authorId": gid(tolkien)}) == ["Beowulf", "The Hobbit"]
    assert titles(gql, {"authorId": gid(translator)}) == ["Beowulf"]
    assert hobbit.pk  # listed above


def test_books_filter_by_language_tag_and_its_regional_variants(gql):
    make_book("English", language="en")
    make_book("American", language="en-US")
    make_book("British", language="en-GB")
    make_book("French", language="fr")
    make_book("Enga", language="enq")  # another language whose code starts with "en"
    make_book("Unknown")

    assert titles(gql, {"language": "en"}) == ["American", "British", "English"]
    assert titles(gql, {"language": "EN-us"}) == ["American"]
    assert titles(gql, {"language": "fr"}) == ["French"]


def test_books_filter_by_original_publication_year_range_inclusive(gql, library):
    assert titles(gql, {"yearFrom": 1965, "yearTo": 1990}) == [
        "Alpha",
        "Dune",
        "dune",
        "Kappa",
        "Theta",
    ]
    assert titles(gql, {"yearTo": 0}) == ["Epsilon"]  # BCE years are negative
    assert titles(gql, {"yearFrom": 2001}) == ["Beta", "Zeta"]
    assert titles(gql, {"yearFrom": 1965, "yearTo": 1965}) == ["Alpha", "Dune", "dune"]


def test_books_filter_by_minimum_average_rating(gql, library):
    assert titles(gql, {"minRating": 4.5}) == ["Dune", "dune", "Epsilon", "Theta"]
    assert titles(gql, {"minRating": 5}) == ["Theta"]
    assert len(titles(gql, {"minRating": 0})) == 13


def test_books_filters_combine_and_keep_their_order_across_pages(gql, library):
    classics = make_genre("Classics", slug="classics")
    for book in library:
        if book.original_publication_year is not None and book.original_publication_year < 2000:
            book.genres.add(classics)
    variables = {
        "filter": {"genre": "classics", "minRating": 3.9},
        "order": {"field": "AVERAGE_RATING"},
    }
    nodes = walk(gql, BOOKS, variables, "books", page_size=2)
    picked = [
        b
        for b in library
        if b.original_publication_year is not None
        and b.original_publication_year < 2000
        and b.average_rating >= Decimal("3.9")
    ]
    assert [n["id"] for n in nodes] == expected(picked, "AVERAGE_RATING", None)
    assert [n["title"] for n in nodes] == ["Theta", "Dune", "dune", "Epsilon", "Emma", "Iota"]


@pytest.mark.parametrize(
    ("filter", "field"),
    [
        ({"yearFrom": 2000, "yearTo": 1999}, "filter.yearFrom"),
        ({"minRating": 5.5}, "filter.minRating"),
        ({"minRating": -0.5}, "filter.minRating"),
        ({"language": "x" * 17}, "filter.language"),
        ({"genreId": gid(1, "Author")}, "filter.genreId"),
        ({"authorId": gid(1, "Book")}, "filter.authorId"),
    ],
)
def test_books_invalid_filter_is_a_top_level_invalid_error(gql, filter, field):
    result = gql(BOOKS, {"filter": filter, "first": 5})
    assert result["data"] is None
    error = result["errors"][0]
    assert error["extensions"]["code"] == "INVALID"
    assert error["extensions"]["field"] == field
    assert error["path"] == ["books"]
