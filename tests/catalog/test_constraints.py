"""The database refuses catalogue data that breaks a rule, whatever code path writes it."""

from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, transaction

from apps.catalog.models import Author, Book, BookAuthor, BookFormat, Genre, Series
from tests.factories import make_author, make_book, make_book_author, make_genre, make_series

pytestmark = pytest.mark.django_db


# --- Author ----------------------------------------------------------------------------------


def test_author_name_not_empty():
    with pytest.raises(IntegrityError, match=r"author_name(_key)?_not_empty"), transaction.atomic():
        Author.objects.create(name="")


@pytest.mark.parametrize(
    "birth, death",
    [(1892, 1973), (1973, 1973), (None, 1973), (1892, None), (-70, -19), (None, None)],
)
def test_author_years_accepted(birth, death):
    make_author(birth_year=birth, death_year=death)


def test_author_death_after_birth():
    with pytest.raises(IntegrityError, match="author_death_after_birth"), transaction.atomic():
        make_author(birth_year=1973, death_year=1892)


@pytest.mark.parametrize(
    "field, value",
    [("openlibrary_id", "OL26320A"), ("goodreads_id", "656983"), ("wikidata_id", "Q892")],
)
def test_author_external_id_unique_when_set(field, value):
    make_author(**{field: ""})
    make_author(**{field: ""})  # many authors have no such id
    make_author(**{field: value})
    with pytest.raises(IntegrityError), transaction.atomic():
        make_author(**{field: value})


# --- Genre -----------------------------------------------------------------------------------


def test_genre_name_unique():
    make_genre("Fantasy", slug="fantasy")
    with pytest.raises(IntegrityError), transaction.atomic():
        Genre.objects.create(name="Fantasy", slug="fantasy-2")


def test_genre_slug_unique():
    make_genre("Fantasy", slug="fantasy")
    with pytest.raises(IntegrityError), transaction.atomic():
        Genre.objects.create(name="Fantasy books", slug="fantasy")


def test_genre_slug_not_empty():
    with pytest.raises(IntegrityError, match="genre_slug_not_empty"), transaction.atomic():
        Genre.objects.create(name="Nameless", slug="")


def test_genre_not_own_parent():
    fantasy = make_genre("Fantasy")
    epic = make_genre("Epic fantasy", parent=fantasy)  # another genre as parent is fine
    with pytest.raises(IntegrityError, match="genre_not_own_parent"), transaction.atomic():
        Genre.objects.filter(pk=epic.pk).update(parent=epic)


# --- Series ----------------------------------------------------------------------------------


def test_series_name_not_empty():
    with pytest.raises(IntegrityError, match=r"series_name(_key)?_not_empty"), transaction.atomic():
        Series.objects.create(name="")


def test_series_name_key_unique():
    make_series("The Hunger Games")
    make_series("The Hunger Games Trilogy")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_series("the hunger-games")  # folds to the same key


# --- Book ------------------------------------------------------------------------------------


def test_book_title_not_empty():
    with pytest.raises(IntegrityError, match="book_title_not_empty"), transaction.atomic():
        Book.objects.create(title="")


@pytest.mark.parametrize(
    "field, value",
    [
        ("isbn10", "080442957X"),
        ("isbn13", "9780441172719"),
        ("openlibrary_id", "OL7353617M"),
        ("goodreads_id", "234225"),
    ],
)
def test_book_identifier_unique_when_set(field, value):
    make_book(**{field: ""})
    make_book(**{field: ""})  # many books have no such identifier
    make_book(**{field: value})
    with pytest.raises(IntegrityError), transaction.atomic():
        make_book(**{field: value})


def test_book_bulk_create_duplicate_isbn13():
    with pytest.raises(IntegrityError), transaction.atomic():
        Book.objects.bulk_create(
            [Book(title="Dune", isbn13="9780441172719"), Book(title="Dune", isbn13="9780441172719")]
        )


@pytest.mark.parametrize("isbn10", ["", "0441172717", "080442957X", "0000000000"])
def test_book_isbn10_format_accepted(isbn10):
    make_book(isbn10=isbn10)


@pytest.mark.parametrize(
    "isbn10", ["044117271", "080442957x", "X804429570", "0-441-1727", "044117271 ", "04411727X1"]
)
def test_book_isbn10_format(isbn10):
    with pytest.raises(IntegrityError, match="book_isbn10_format"), transaction.atomic():
        make_book(isbn10=isbn10)


@pytest.mark.parametrize("isbn13", ["", "9780441172719", "9791032305690"])
def test_book_isbn13_format_accepted(isbn13):
    make_book(isbn13=isbn13)


@pytest.mark.parametrize(
    "isbn13", ["978044117271", "9770441172719", "978-044117271", "979103230569X", "0441172717"]
)
def test_book_isbn13_format(isbn13):
    with pytest.raises(IntegrityError, match="book_isbn13_format"), transaction.atomic():
        make_book(isbn13=isbn13)


@pytest.mark.parametrize(
    "field, value", [("isbn10", "080442957X\n"), ("isbn13", "9780441172719\n")]
)
def test_book_isbn_refuses_trailing_newline(field, value):
    # SQLite runs REGEXP through Python's re.search, where `$` would also match before a final
    # newline (and SQLite does not enforce max_length): the patterns must anchor with \A…\Z.
    with pytest.raises(DatabaseError), transaction.atomic():
        make_book(**{field: value})


@pytest.mark.parametrize("pages", [None, 1, 1200])
def test_book_pages_accepted(pages):
    make_book(pages=pages)


@pytest.mark.parametrize("pages", [0, -1])
def test_book_pages_positive(pages):
    book = make_book()
    with pytest.raises(IntegrityError), transaction.atomic():
        Book.objects.filter(pk=book.pk).update(pages=pages)


@pytest.mark.parametrize("rating", ["0", "3.75", "5.00"])
def test_book_average_rating_accepted(rating):
    make_book(average_rating=Decimal(rating))


@pytest.mark.parametrize("rating", ["-0.01", "5.01"])
def test_book_average_rating_range(rating):
    book = make_book()
    with pytest.raises(IntegrityError, match="book_average_rating_range"), transaction.atomic():
        Book.objects.filter(pk=book.pk).update(average_rating=Decimal(rating))


@pytest.mark.parametrize("field", ["ratings_count", "source_ratings_count"])
def test_book_ratings_count_not_negative(field):
    book = make_book(**{field: 3})
    with pytest.raises(IntegrityError), transaction.atomic():
        Book.objects.filter(pk=book.pk).update(**{field: -1})


def test_book_series_position_accepted():
    series = make_series()
    make_book(series=series, series_position=Decimal("1"))
    make_book(series=series, series_position=Decimal("1.5"))  # a novella between two books
    make_book(series=series, series_position=Decimal("0"))  # a prequel
    make_book(series=series)  # position unknown


@pytest.mark.parametrize("with_series, position", [(False, "1"), (True, "-1")])
def test_book_series_position_needs_series(with_series, position):
    series = make_series() if with_series else None
    name = "book_series_position_needs_series"
    with pytest.raises(IntegrityError, match=name), transaction.atomic():
        make_book(series=series, series_position=Decimal(position))


@pytest.mark.parametrize("book_format", BookFormat.values)
def test_book_format_accepts_each_choice(book_format):
    assert make_book(format=book_format).format == book_format


def test_book_format_valid():
    book = make_book()
    with pytest.raises(IntegrityError, match="book_format_valid"), transaction.atomic():
        Book.objects.filter(pk=book.pk).update(format="scroll")


# --- BookAuthor ------------------------------------------------------------------------------


def test_book_author_role_once():
    book, author = make_book(), make_author()
    make_book_author(book, author, role="author")
    make_book_author(book, author, role="illustrator")  # the same person in another role
    with pytest.raises(IntegrityError), transaction.atomic():
        BookAuthor.objects.create(book=book, author=author, role="author", position=1)


def test_book_author_role_valid():
    contribution = make_book_author()
    with pytest.raises(IntegrityError, match="book_author_role_valid"), transaction.atomic():
        BookAuthor.objects.filter(pk=contribution.pk).update(role="ghostwriter")


def test_book_author_position_not_negative():
    contribution = make_book_author()
    with pytest.raises(IntegrityError), transaction.atomic():
        BookAuthor.objects.filter(pk=contribution.pk).update(position=-1)
