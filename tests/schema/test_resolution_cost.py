"""What a page costs to resolve under ASGI, beyond its SQL: thread hops and resolver work.

Under daphne every `sync_to_async` call is a thread switch (about a quarter of a millisecond of
CPU on the bench machine), and strawberry-django runs every *sync* resolver of its fields in one.
These tests pin what issue 10's profiling removed, so that a new field cannot quietly bring a hop
per row back: the book page's hops, a connection's page and count read together, readers at hand
resolved without a coroutine, model attributes on Strawberry's fast path, ids without an
annotation scan. This is the resolver path (`GRAPHQL_COMPILED_READS` off): on PostgreSQL the
book page is one SQL statement and resolves no field at all.
"""

import asyncio
import json

import pytest
from asgiref import sync
from asgiref.sync import async_to_sync
from django.test import AsyncClient
from strawberry.relay import to_base64
from strawberry_django.fields.base import StrawberryDjangoFieldBase

from apps.core.models import Privacy
from bench.throughput import BOOK_PAGE  # the page the throughput benchmark measures
from schema import pagination, schema
from schema.fields import PkId
from schema.loaders import Loader, Loaders
from tests.factories import (
    make_author,
    make_book,
    make_genre,
    make_profile,
    make_rating,
    make_review,
    make_user,
)


@pytest.fixture(autouse=True)
def _resolver_path(settings):
    settings.GRAPHQL_COMPILED_READS = False


@pytest.fixture
def book_with_reviews(db):
    book = make_book(title="Dune", authors=[make_author(name="Frank Herbert")])
    book.genres.add(make_genre(name="Science fiction"))
    for n in range(25):
        reader = make_user(username=f"reader{n:02d}")
        make_profile(user=reader, display_name=f"Reader {n}" if n % 2 else "")
        make_rating(user=reader, book=book)
        make_review(user=reader, book=book, title=f"Review {n}", privacy=Privacy.PUBLIC)
    return book


@pytest.fixture
def hops(monkeypatch) -> list[str]:
    """The name of every function run through `sync_to_async` (each one a thread switch)."""
    seen: list[str] = []
    call = sync.SyncToAsync.__call__

    async def counting(self, *args, **kwargs):
        seen.append(getattr(self.func, "__qualname__", None) or repr(self.func))
        return await call(self, *args, **kwargs)

    monkeypatch.setattr(sync.SyncToAsync, "__call__", counting)
    return seen


def post(query: str, variables: dict) -> dict:
    """The query sent through Django's ASGI handler, as daphne serves it.

    Called from this (sync) test, so the handler's thread hops run back in this thread, on the
    test's own database connection (no rows to commit, no connection left open in a thread).
    """
    response = async_to_sync(AsyncClient().post)(
        "/graphql", {"query": query, "variables": variables}, content_type="application/json"
    )
    assert response.status_code == 200
    body = json.loads(response.content)
    assert "errors" not in body, body
    return body["data"]


def test_the_book_page_takes_four_thread_hops_whatever_its_length(book_with_reviews, hops):
    data = post(BOOK_PAGE, {"id": to_base64("Book", book_with_reviews.pk)})
    reviews = data["book"]["reviews"]
    assert reviews["totalCount"] == 25
    assert len(reviews["edges"]) == 20
    shown = {edge["node"]["user"]["username"]: edge["node"]["user"] for edge in reviews["edges"]}
    assert shown["reader24"]["displayName"] == "reader24"  # no display name: the username
    assert shown["reader23"]["displayName"] == "Reader 23"
    # Django's request_started and request_finished signals (2), the book (1), then its
    # authors, genres, rating summary and the page of reviews with their count in one trip (1).
    # Before: 8 (the reviews' visibility filter, their page and their count had hops of their
    # own), and one more per sync resolver per row.
    assert len(hops) == 4, hops


def test_a_connection_counts_with_its_page_and_only_when_asked(
    book_with_reviews, hops, monkeypatch
):
    counts = []
    real_count = pagination.get_total_count
    monkeypatch.setattr(
        pagination, "get_total_count", lambda qs: counts.append(qs) or real_count(qs)
    )
    variables = {"id": to_base64("Book", book_with_reviews.pk)}
    counted = """query Q($id: ID!) { book(id: $id) { reviews(first: 3) { ...Total } } }
      fragment Total on ReviewCursorConnection { totalCount edges { node { title } } }"""
    data = post(counted, variables)
    assert data["book"]["reviews"]["totalCount"] == 25  # asked through a fragment
    assert len(data["book"]["reviews"]["edges"]) == 3
    assert len(counts) == 1
    assert len([name for name in hops if "_run_all" in name]) == 1  # the page, with the loaders
    assert not [name for name in hops if "total_count" in name.lower()]  # no hop of its own

    counts.clear()
    uncounted = "query Q($id: ID!) { book(id: $id) { reviews(first: 3) { edges { cursor } } } }"
    data = post(uncounted, variables)
    assert len(data["book"]["reviews"]["edges"]) == 3
    assert counts == []  # no COUNT query when nobody asked for totalCount


def test_a_loaded_value_is_used_at_once_and_a_missing_one_is_awaited():
    class Context:
        def __init__(self):
            self.loaders = Loaders(self)

    class Doubles(Loader[int, int]):
        def batch_load(self, keys):
            return [key * 2 for key in keys]

    async def resolve():
        doubles = Context().loaders.get(Doubles)
        doubles.prime(1, 2)
        at_hand = doubles.load_then(1, lambda value: value + 1)
        pending = doubles.load_then(5, lambda value: value + 1)
        assert at_hand == 3  # a plain value: no coroutine for graphql-core to drive
        assert asyncio.iscoroutine(pending)
        return await pending

    assert asyncio.run(resolve()) == 11


def model_types():
    for definition in schema.schema_converter.type_map.values():
        origin = getattr(definition.definition, "origin", None)
        if getattr(origin, "__strawberry_django_definition__", None) is not None:
            yield origin, definition.definition


def test_every_plain_model_attribute_is_on_strawberrys_fast_path():
    attributes = [
        (f"{definition.name}.{field.python_name}", field)
        for _, definition in model_types()
        for field in definition.fields
        if isinstance(field, StrawberryDjangoFieldBase)
        and field.base_resolver is None
        and not field.is_relation
        and not field.extensions
    ]
    assert len(attributes) >= 100  # the walk found the schema's model attributes
    assert "Review.title" in dict(attributes)
    slow = [name for name, field in attributes if not field.is_basic_field]
    # Declare them with `schema.fields.model_field`, not `strawberry_django.field`.
    assert slow == []


def test_every_model_node_reads_its_id_from_the_primary_key():
    nodes = [origin for origin, _ in model_types() if hasattr(origin, "resolve_id_attr")]
    assert len(nodes) >= 15
    scanning = [origin.__name__ for origin in nodes if not issubclass(origin, PkId)]
    assert scanning == []  # `class XType(PkId, relay.Node)`
    assert {origin.resolve_id_attr() for origin in nodes} == {"pk"}


def test_a_model_attribute_reads_its_loaded_column_and_still_fetches_a_deferred_one(db):
    review = make_review(title="Loaded", body="Deferred until asked")
    definition = schema.get_type_by_name("Review")
    title, body = definition.get_field("title"), definition.get_field("body")
    assert title.get_result(review, None, [], {}) == "Loaded"  # from the row
    partial = type(review).objects.only("id").get(pk=review.pk)
    # Not loaded with the row: strawberry-django's own path reads it (a query, here in sync code).
    assert body.get_result(partial, None, [], {}) == "Deferred until asked"
