"""A small catalogue, readers and lists, indexed, for the engine tests (SQLite and PostgreSQL)."""

from types import SimpleNamespace

import pytest

from apps.core.models import Privacy
from apps.search.indexing import rebuild
from tests.factories import (
    make_author,
    make_book,
    make_genre,
    make_profile,
    make_reading_list,
    make_series,
    make_user,
)


def build_catalog() -> SimpleNamespace:
    rowling = make_author("J.K. Rowling")
    collins = make_author("Suzanne Collins")
    tolkien = make_author("J.R.R. Tolkien")
    hamsun = make_author("Knut Hamsun")
    hugo = make_author("Victor Hugo")
    austen = make_author("Jane Austen")
    fantasy = make_genre("Fantasy", slug="fantasy")
    classics = make_genre("Classics", slug="classics")
    potter = make_series("Harry Potter")
    lotr = make_series("The Lord of the Rings")
    books = SimpleNamespace(
        stone=make_book(
            "Harry Potter and the Sorcerer's Stone",
            [rowling],
            [fantasy],
            series=potter,
            isbn10="0439554934",
            isbn13="9780439554930",
            source_ratings_count=4_602_479,
            original_publication_year=1997,
            language="eng",
            average_rating="4.44",
        ),
        chamber=make_book(
            "Harry Potter and the Chamber of Secrets",
            [rowling],
            [fantasy],
            series=potter,
            source_ratings_count=1_779_331,
            original_publication_year=1998,
            language="eng",
            average_rating="4.37",
        ),
        hunger_games=make_book(
            "The Hunger Games",
            [collins],
            source_ratings_count=4_780_653,
            original_publication_year=2008,
            language="eng",
            average_rating="4.34",
            isbn10="0439023483",
            isbn13="9780439023481",
            description="In the ruins of a place once known as North America lies Panem.",
        ),
        hunger=make_book(
            "Hunger",
            [hamsun],
            [classics],
            source_ratings_count=30_000,
            original_publication_year=1890,
            language="nor",
            average_rating="3.88",
        ),
        hobbit=make_book(
            "The Hobbit",
            [tolkien],
            [fantasy, classics],
            source_ratings_count=2_071_616,
            original_publication_year=1937,
            language="en-US",
            average_rating="4.25",
            subtitle="There and Back Again",
        ),
        fellowship=make_book(
            "The Fellowship of the Ring",
            [tolkien],
            [fantasy],
            series=lotr,
            source_ratings_count=1_766_803,
            original_publication_year=1954,
            language="eng",
            average_rating="4.34",
        ),
        miserables=make_book(
            "Les Misérables",
            [hugo],
            [classics],
            source_ratings_count=513_407,
            original_publication_year=1862,
            language="fre",
            average_rating="4.14",
        ),
        pride=make_book(
            "Pride and Prejudice",
            [austen],
            [classics],
            source_ratings_count=2_035_490,
            original_publication_year=1813,
            language="eng",
            average_rating="4.24",
        ),
    )
    authors = SimpleNamespace(rowling=rowling, collins=collins, tolkien=tolkien, hamsun=hamsun)
    genres = SimpleNamespace(fantasy=fantasy, classics=classics)
    alice = make_user("alice")
    make_profile(alice, display_name="Alice Liddell")
    hermit = make_user("zelda_hermit")
    make_profile(hermit, display_name="Zelda Private", privacy=Privacy.PRIVATE)
    circle = make_user("zelda_circle")
    make_profile(circle, display_name="Zelda Circle", privacy=Privacy.FOLLOWERS)
    lists = SimpleNamespace(
        public=make_reading_list(alice, name="Dragons and wizards"),
        private=make_reading_list(alice, name="Dragons I secretly love", privacy=Privacy.PRIVATE),
        followers=make_reading_list(
            alice, name="Dragons for my followers", privacy=Privacy.FOLLOWERS
        ),
    )
    users = SimpleNamespace(alice=alice, hermit=hermit, circle=circle)
    rebuild()
    return SimpleNamespace(books=books, authors=authors, genres=genres, users=users, lists=lists)


@pytest.fixture(autouse=True)
def _database_engine_unless_told(settings, request):
    # OPENSEARCH_URL in the environment is for the live tests; the others choose their engine.
    if not request.module.__name__.endswith("test_opensearch_live"):
        settings.OPENSEARCH_URL = ""


@pytest.fixture
def catalog(db) -> SimpleNamespace:
    return build_catalog()
