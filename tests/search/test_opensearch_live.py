"""The OpenSearch engine against a real cluster; runs only when OPENSEARCH_URL is set.

    docker compose up -d opensearch
    OPENSEARCH_URL=http://localhost:9200 make test PYTEST_ARGS="-k opensearch"

Each test run uses its own index prefix and deletes its indexes afterwards.
"""

import io
import os
import uuid

import pytest
from django.core.management import call_command

from apps.search import engine, services
from apps.search.backends.base import SearchFilter
from apps.search.models import Kind
from tests.factories import make_book

pytestmark = pytest.mark.skipif(
    not os.environ.get("OPENSEARCH_URL"), reason="OPENSEARCH_URL is not set (no live OpenSearch)"
)


@pytest.fixture
def live(settings, catalog):
    settings.OPENSEARCH_URL = os.environ["OPENSEARCH_URL"]
    settings.OPENSEARCH_INDEX_PREFIX = f"booknest-test-{uuid.uuid4().hex[:8]}"
    engine._last_failure = None
    call_command("search_index", "--rebuild", stdout=io.StringIO())
    remote = engine.opensearch_engine()
    yield remote
    remote.client.indices.delete(index=f"{settings.OPENSEARCH_INDEX_PREFIX}-*")


def _top(query, kinds=(Kind.BOOK,), **kwargs):
    page = services.search(query, list(kinds), first=3, **kwargs)
    assert engine.status()["lastFailure"] is None, engine.status()
    return page


def test_opensearch_ranks_the_book_meant_first(live, catalog):
    for query, book in [
        ("harry poter chamber", catalog.books.chamber),
        ("hunger gmes", catalog.books.hunger_games),
        ("tolkein hobbit", catalog.books.hobbit),
        ("les miserables", catalog.books.miserables),
        ("0439023483", catalog.books.hunger_games),
    ]:
        assert [(h.kind, h.id) for h in _top(query).hits][:1] == [(Kind.BOOK, book.pk)], query


def test_opensearch_highlights_facets_filters_and_privacy(live, catalog):
    page = _top("harry", facets=True)
    title = dict(page.hits[0].highlights)["title"]
    assert title.startswith("<em>Harry</em> Potter and the Sorcerer")
    assert dict(page.facets.genres) == {catalog.genres.fantasy.pk: 2}
    filtered = _top("hunger", filters=SearchFilter(year_to=1900))
    assert [h.id for h in filtered.hits] == [catalog.books.hunger.pk]
    users = _top("zelda", [Kind.USER])
    assert users.hits == []  # one private, one followers-only profile, an anonymous viewer


def test_opensearch_suggests_from_two_letters(live, catalog):
    suggested = services.suggest("ha", [Kind.BOOK], limit=2)
    assert [s.id for s in suggested] == [catalog.books.stone.pk, catalog.books.chamber.pk]


def test_opensearch_indexes_changes_after_commit(live, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        book = make_book("A Wizard of Earthsea", source_ratings_count=10)
    live.client.indices.refresh(index=live.alias(Kind.BOOK))
    assert [h.id for h in _top("earthsea wizzard").hits] == [book.pk]
