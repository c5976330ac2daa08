"""Pins the Django internals of the compiled read path (`booknest/internals/django_sql.py`)."""

import pytest
from django.db import connection
from django.db.models import Count, F

from apps.catalog.models import Book
from booknest.internals import django_sql

pytestmark = pytest.mark.django_db


def test_a_querysets_sql_has_placeholders_and_parameters():
    sql, params = django_sql.queryset_sql(Book.objects.filter(title="Dune", pk=7).values("pk"))
    assert sql.count("%s") == len(params) == 2
    assert set(params) == {"Dune", 7}


def test_ordering_and_annotations_are_read_from_the_query():
    ordered = Book.objects.annotate(n=Count("genres")).order_by("-n", "id")
    assert django_sql.ordering_of(ordered) == ("-n", "id")
    assert django_sql.ordering_of(Book.objects.all()) == tuple(Book._meta.ordering or ())
    assert django_sql.annotation_field(ordered, "n").get_internal_type() == "IntegerField"
    assert django_sql.annotation_field(ordered, "title") is None
    assert django_sql.output_field(ordered, F("title")).name == "title"
    assert django_sql.is_empty(Book.objects.none()) and not django_sql.is_empty(ordered)


def test_a_prepared_cursor_runs_statements_django_sees():
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("server-side binding is psycopg's")
    with CaptureQueriesContext(connection) as seen, django_sql.prepared_cursor(connection) as c:
        c.execute("SELECT $1::int + 1", [41])
        assert c.fetchone()[0] == 42
    assert len(seen.captured_queries) == 1
