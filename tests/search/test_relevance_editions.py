"""Works and editions on the real goodbooks-10k catalogue (PostgreSQL): a book found by its
original-language title, by series and number, by another edition's title or ISBN, in the top
3 for at least 95% of the queries, and each book once.

Like `test_relevance.py`, the catalogue is imported once for the module (committed) and
truncated afterwards; skips on SQLite and when ../shared/data is absent.
"""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from apps.catalog.editions import create_edition
from apps.catalog.models import Book
from apps.search import services
from apps.search.indexing import rebuild
from apps.search.models import Kind
from tests.conftest import SHARED_DATA
from tests.factories import make_user
from tests.search.relevance_edition_queries import EXTRA_EDITIONS, QUERIES

BOOKS_CSV = SHARED_DATA / "goodbooks-10k" / "books.csv"
pytestmark = pytest.mark.xdist_group("search_relevance")
TOP = 3
BAR = 0.95


@pytest.fixture(scope="module")
def goodbooks(django_db_setup, django_db_blocker):
    if connection.vendor != "postgresql":
        pytest.skip("the relevance bar is for the PostgreSQL engine")
    if not BOOKS_CSV.is_file():
        pytest.skip(f"shared data not found at {BOOKS_CSV}")
    with django_db_blocker.unblock():
        call_command("import_catalog", str(BOOKS_CSV), no_progress=True, stdout=io.StringIO())
        librarian = make_user("relevance_librarian", is_staff=True)
        for title, isbn13, language, book_title in EXTRA_EDITIONS:
            book = Book.objects.filter(title=book_title).order_by("-source_ratings_count").first()
            create_edition(librarian, book.pk, title=title, isbn13=isbn13, language=language)
        librarian.delete()
        rebuild()
        yield
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE catalog_book, catalog_author, catalog_series, catalog_edition, "
                "search_searchdocument RESTART IDENTITY CASCADE"
            )


def test_works_are_found_by_original_title_series_number_and_any_edition(goodbooks, db):
    assert len(QUERIES) >= 40
    misses = []
    for query, expected in QUERIES:
        page = services.search(query, [Kind.BOOK], first=TOP)
        ids = [hit.id for hit in page.hits]
        assert len(ids) == len(set(ids)), f"{query!r} returned a book twice"
        titles = dict(Book.objects.filter(pk__in=ids).values_list("pk", "title"))
        found = [titles[i] for i in ids]
        if expected not in found:
            misses.append(f"{query!r}: expected {expected!r}, got {found}")
    print(f"\n{len(QUERIES) - len(misses)}/{len(QUERIES)} in the top {TOP}")
    print("\n".join(misses))
    assert len(misses) <= (1 - BAR) * len(QUERIES), "\n".join(misses)


def test_the_catalogue_import_keeps_original_titles_and_gives_each_book_its_edition(goodbooks, db):
    solitude = Book.objects.get(title="One Hundred Years of Solitude")
    assert solitude.original_title == "Cien años de soledad"
    edition = solitude.editions.get()
    assert (edition.is_default, edition.isbn13, edition.title) == (
        True,
        solitude.isbn13,
        "One Hundred Years of Solitude",
    )
    # Where the original title is the title, nothing is repeated.
    assert Book.objects.get(title="Madame Bovary").original_title == ""
