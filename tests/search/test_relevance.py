"""Relevance on the real goodbooks-10k catalogue (PostgreSQL): the book meant, in the top 3.

The catalogue is imported once for the module (committed, outside the per-test transactions)
and truncated afterwards. Skips on SQLite and when ../shared/data is absent.
"""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from apps.catalog.models import Book
from apps.search import services
from apps.search.indexing import rebuild
from apps.search.models import Kind
from tests.conftest import SHARED_DATA
from tests.search.relevance_queries import QUERIES

BOOKS_CSV = SHARED_DATA / "goodbooks-10k" / "books.csv"
# Both tests on one worker, one after the other: the catalogue is imported once.
pytestmark = pytest.mark.xdist_group("search_relevance")
TOP = 3
BAR = 0.9


@pytest.fixture(scope="module")
def goodbooks(django_db_setup, django_db_blocker):
    if connection.vendor != "postgresql":
        pytest.skip("the relevance bar is for the PostgreSQL engine")
    if not BOOKS_CSV.is_file():
        pytest.skip(f"shared data not found at {BOOKS_CSV}")
    with django_db_blocker.unblock():
        call_command("import_catalog", str(BOOKS_CSV), no_progress=True, stdout=io.StringIO())
        rebuild()
        yield
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE catalog_book, catalog_author, catalog_series, "
                "search_searchdocument RESTART IDENTITY CASCADE"
            )


def test_the_book_meant_is_in_the_top_3_for_90_percent_of_real_queries(goodbooks, db):
    assert len(QUERIES) >= 40
    misses = []
    for query, expected in QUERIES:
        page = services.search(query, list(Kind), first=TOP)
        ids = [hit.id for hit in page.hits if hit.kind == Kind.BOOK]
        titles = dict(Book.objects.filter(pk__in=ids).values_list("pk", "title"))
        found = [titles[i] for i in ids]
        if expected not in found:
            misses.append(f"{query!r}: expected {expected!r}, got {found}")
    print(f"\n{len(QUERIES) - len(misses)}/{len(QUERIES)} in the top {TOP}")
    print("\n".join(misses))
    assert len(misses) <= (1 - BAR) * len(QUERIES), "\n".join(misses)


def test_suggest_completes_famous_titles_from_two_letters(goodbooks, db):
    assert [s.text for s in services.suggest("hu", [Kind.BOOK], limit=1)] == ["The Hunger Games"]
    assert [s.text for s in services.suggest("harry potter cha", [Kind.BOOK], limit=1)] == [
        "Harry Potter and the Chamber of Secrets"
    ]
    assert [s.text for s in services.suggest("tolkein", [Kind.AUTHOR], limit=1)] == [
        "J.R.R. Tolkien"
    ]
