"""Prepared queries (booknest/internals/prepared.py): compiled once, the same rows as the queryset."""

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from apps.catalog.models import Book, BookAuthor, Series
from apps.reading.models import Rating
from booknest.internals.prepared import MAX_PREPARED_IDS, PreparedById, PreparedQuery
from tests.factories import make_author, make_book, make_rating, make_user


def contributions(ids):
    return (
        BookAuthor.objects.filter(book_id__in=ids)
        .select_related("author")
        .order_by("book_id", "position", "id")
    )


@pytest.fixture
def books(db):
    """Three books with two, one and no authors."""
    first = make_book(title="Dune", authors=[make_author(name="Frank"), make_author(name="Brian")])
    second = make_book(title="Emma", authors=[make_author(name="Jane")])
    third = make_book(title="Ulysses")
    return first, second, third


def test_prepared_query_gives_the_querysets_rows_for_every_call(books):
    prepared = PreparedQuery(contributions)
    first, second, third = books
    for ids in ([first.pk], [second.pk], [first.pk, second.pk], [third.pk], [second.pk, first.pk]):
        rows = prepared(ids)
        expected = list(contributions(ids))
        assert rows == expected
        # select_related came with each row: the author is there without a query
        with CaptureQueriesContext(connection) as queries:
            assert [r.author.name for r in rows] == [r.author.name for r in expected]
        assert len(queries) == 0
    assert [r.author.name for r in prepared([first.pk])] == ["Frank", "Brian"]
    assert prepared([third.pk]) == []


def test_prepared_query_compiles_once_per_number_of_ids(books):
    built = []
    prepared = PreparedQuery(lambda ids: built.append(list(ids)) or contributions(ids))
    first, second, third = books
    prepared([first.pk])
    prepared([second.pk])
    prepared([third.pk])
    prepared([first.pk, second.pk])
    prepared([second.pk, third.pk])
    # built twice (one id, two ids), each time with markers, never with the real ids
    assert len(built) == 2
    assert all(i < 0 for ids in built for i in ids)


def test_prepared_query_runs_the_same_sql_as_the_queryset(books):
    first, second, _ = books
    prepared = PreparedQuery(contributions)
    prepared([first.pk])
    with CaptureQueriesContext(connection) as queries:
        prepared([second.pk, first.pk])
    with CaptureQueriesContext(connection) as expected:
        list(contributions([second.pk, first.pk]))
    assert [q["sql"] for q in queries] == [q["sql"] for q in expected]


def test_prepared_query_binds_values_beside_the_ids(db):
    """The viewer's id, say: bound like the ids, never frozen into the SQL."""
    book = make_book()
    readers = [make_user(), make_user()]
    make_rating(user=readers[0], book=book, value=Decimal("2.0"))
    make_rating(user=readers[1], book=book, value=Decimal("4.5"))
    prepared = PreparedQuery(
        lambda ids, viewer: Rating.objects.filter(user_id=viewer, book_id__in=ids)
    )
    assert [r.value for r in prepared([book.pk], readers[0].pk)] == [Decimal("2.0")]
    assert [r.value for r in prepared([book.pk], readers[1].pk)] == [Decimal("4.5")]
    assert prepared([book.pk], readers[1].pk + 1000) == []


def test_prepared_query_gives_values_list_rows(db):
    book, other = make_book(), make_book()
    for value in ("1.0", "1.0", "3.5"):
        make_rating(book=book, value=Decimal(value))
    make_rating(book=other, value=Decimal("5.0"))
    prepared = PreparedQuery(
        lambda ids: (
            Rating.objects.filter(book_id__in=ids)
            .values("book_id", "value")
            .annotate(n=Count("id"))
            .values_list("book_id", "value", "n")
            .order_by("book_id", "value")
        )
    )
    assert prepared([book.pk, other.pk]) == [
        (book.pk, Decimal("1.0"), 2),
        (book.pk, Decimal("3.5"), 1),
        (other.pk, Decimal("5.0"), 1),
    ]
    flat = PreparedQuery(
        lambda ids: Book.objects.filter(pk__in=ids).values_list("title", flat=True)
    )
    assert flat([book.pk]) == [book.title]


def test_a_builder_that_drops_or_transforms_its_ids_is_not_prepared(books):
    """Its ids cannot be found in the compiled parameters: every call runs the queryset itself,
    and stays right (had the markers' SQL been kept, every call would answer for no book)."""
    first, second, _ = books
    dropped = PreparedQuery(lambda ids: Book.objects.filter(pk__in=[i for i in ids if i > 0]))
    assert dropped([first.pk]) == [first]
    assert dropped([second.pk]) == [second]
    transformed = PreparedQuery(lambda ids: Book.objects.filter(pk__in=[abs(i) for i in ids]))
    assert transformed([first.pk]) == [first]
    assert transformed([second.pk]) == [second]


def test_a_large_batch_runs_as_it_is(db):
    book_ids = [make_book().pk for _ in range(MAX_PREPARED_IDS + 5)]
    by_id = PreparedById(Book)
    found = by_id([*book_ids, max(book_ids) + 1])
    assert sorted(found) == sorted(book_ids)
    assert sorted(by_id(book_ids[:3])) == sorted(book_ids[:3])


def test_ids_are_taken_as_django_takes_them(books):
    """A None id is dropped (as `IN` drops it) and an id given as text is a number."""
    first, second, _ = books
    by_id = PreparedById(Book)
    assert by_id([first.pk]) == {first.pk: first}  # compiled for one id
    assert by_id([str(second.pk)]) == {second.pk: second}
    assert by_id([None, first.pk]) == {first.pk: first}


def test_prepared_by_id_is_in_bulk(books):
    first, _, third = books
    by_id = PreparedById(Book)
    assert by_id([first.pk, third.pk, third.pk + 999]) == {first.pk: first, third.pk: third}


def test_a_query_prepared_in_one_thread_runs_on_another_threads_connection(db):
    """Django's connections belong to a thread (under daphne, loaders run in a worker thread):
    a prepared query keeps its SQL, never the connection it was compiled on (Django refuses a
    connection used from another thread)."""
    prepared = PreparedById(Series)  # a table this test's open transaction leaves untouched
    assert prepared([1]) == {}  # compiled here

    def in_thread():
        try:
            return prepared([1]), connections["default"]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(1) as pool:
        found, used = pool.submit(in_thread).result()
    assert found == {}
    assert used is not connections["default"]
