"""The SQL of a queryset, for the compiled read path (`schema.compiled`).

Django has no public way to get the SQL and parameters a queryset would run: `str(qs.query)`
interpolates the parameters for display only. `Query.sql_with_params()` is what Django's own
`Subquery` and `Exists` expressions use; it is pinned by `tests/internals/test_django_sql.py`.
"""

from typing import Any

from django.db import DEFAULT_DB_ALIAS
from django.db.models import QuerySet


def queryset_sql(queryset: QuerySet) -> tuple[str, tuple[Any, ...]]:
    """The SQL (with `%s` placeholders, `%%` for a literal percent) and its parameters."""
    return queryset.query.get_compiler(using=queryset.db or DEFAULT_DB_ALIAS).as_sql()


def ordering_of(queryset: QuerySet) -> tuple[Any, ...]:
    """The queryset's ordering as given to `order_by()`, or its model's default ordering."""
    query = queryset.query
    if query.order_by:
        return tuple(query.order_by)
    if query.default_ordering:
        return tuple(query.get_meta().ordering or ())
    return ()


def annotation_field(queryset: QuerySet, name: str) -> Any:
    """The output field of the queryset's annotation `name`; None when it has none so named."""
    annotation = queryset.query.annotations.get(name)
    return None if annotation is None else annotation.output_field


def is_empty(queryset: QuerySet) -> bool:
    """Whether the queryset is `none()` (which Django refuses to compile to SQL)."""
    return queryset.query.is_empty()


def output_field(queryset: QuerySet, expression: Any) -> Any:
    """The field an expression gives in this queryset (resolved on a copy of its query)."""
    return expression.resolve_expression(queryset.all().query).output_field


class _PreparedCursor:
    """Made on first use (psycopg is imported only on PostgreSQL)."""

    cls: Any = None


def prepared_cursor(connection: Any) -> Any:
    """A cursor of Django's PostgreSQL connection whose statements are prepared: bound on the
    server and planned once per connection (Django binds on the client and turns psycopg's
    automatic preparing off, `prepare_threshold=None`). Its statements are written with
    PostgreSQL's own `$1, $2 …` placeholders (psycopg's `RawCursor`: nothing to convert per run;
    psycopg converts and caches `%s` statements only up to 4 kB, and a screen's is longer).
    Wrapped as Django wraps its own cursors (`make_cursor`, or `make_debug_cursor` while queries
    are logged), so execute wrappers, query logging and the operation log's SQL count see its
    statements as any other."""
    if _PreparedCursor.cls is None:
        import psycopg

        class PreparedCursor(psycopg.RawCursor):
            def execute(self, query, params=None, *, prepare=None, binary=None):
                return super().execute(query, params, prepare=True, binary=binary)

        _PreparedCursor.cls = PreparedCursor
    connection.ensure_connection()
    connection.validate_thread_sharing()
    cursor = _PreparedCursor.cls(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)
    return connection.make_cursor(cursor)
