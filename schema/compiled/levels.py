"""A level of a plan: one derived table, the rows a list, a connection or an object is built from.

A level starts as a queryset (the field's rows with the node type's rules applied) and ends as
`SELECT <the columns its fields read> FROM …`: each column and computed value the planner asks
for gets a short name (`c0`, `c1`, …) through `values(**expressions)`, so the derived table's
columns never clash, whatever the joins. Stand-ins let querysets be built before the request:
`RowStandIn` gives marker values for the parent row's columns, `viewer_stand_in` a viewer whose
id is a marker; `sqltext.splice` replaces the markers by the columns and parameters they mean.
"""

import inspect
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db.models import F, OrderBy

from apps.accounts.models import TokenViewer
from booknest.internals.django_sql import annotation_field, is_empty, ordering_of, output_field
from schema.compiled.collect import NotCompilable
from schema.compiled.convert import cursor_json
from schema.compiled.sqltext import VIEWER, Bound, Sql, new_marker

VIEWER_MARK = new_marker()


def viewer_kind(user: Any) -> str:
    """What a plan depends on of the viewer: anonymous, a reader, or a reader through a
    personal access token (never staff, with no permissions: `TokenViewer`)."""
    if not user.is_authenticated:
        return "anonymous"
    return "token" if isinstance(user, TokenViewer) else "reader"


def viewer_stand_in(kind: str) -> tuple[Any, dict[int, Sql | Bound]]:
    """A viewer of this kind for building querysets before the request, and its markers."""
    if kind == "anonymous":
        return AnonymousUser(), {}
    model = TokenViewer if kind == "token" else get_user_model()
    return model(pk=VIEWER_MARK), {VIEWER_MARK: VIEWER}


def info_stand_in(viewer: Any, context: Any = None) -> Any:
    """What `get_queryset(queryset, info)` and queryset resolvers read of `info`."""
    if context is None:
        viewer_id = viewer.pk if viewer.is_authenticated else None
        context = SimpleNamespace(user=viewer, viewer_id=viewer_id)
    return SimpleNamespace(context=context)


class Level:
    def __init__(self, model: Any, alias: str) -> None:
        self.model = model
        self.alias = alias
        self._names: dict[Any, str] = {}
        self._expressions: dict[str, Callable[[Any], Any]] = {}

    def column(self, path: str) -> str:
        """SQL naming the column `path` (a field, attname or lookup path) of this level's rows."""
        return self._name(("col", path), lambda viewer: F(path))

    def computed(self, key: Any, build: Callable[[Any], Any]) -> str:
        """SQL naming a value computed by `build(viewer)` (a Django expression) on each row."""
        return self._name(("expr", key), build)

    def _name(self, key: Any, build: Callable[[Any], Any]) -> str:
        name = self._names.get(key)
        if name is None:
            name = self._names[key] = f"c{len(self._names)}"
            self._expressions[name] = build
        return f'{self.alias}."{name}"'

    def rows(self, queryset: Any, viewer: Any, keep_order: bool) -> Any:
        """The queryset reduced to this level's named columns (ordering kept or cleared)."""
        if is_empty(queryset):  # `none()`: no SQL of its own; the same rows, none
            queryset = self.model._default_manager.filter(pk__isnull=True)
        expressions = {name: build(viewer) for name, build in self._expressions.items()}
        rows = queryset.values(**expressions) if expressions else queryset.values("pk")
        return rows if keep_order else rows.order_by()


class RowStandIn:
    """The parent row while a child's queryset is built: each column read is a marker."""

    def __init__(self, level: Level, markers: dict[int, Sql | Bound]) -> None:
        self._level = level
        self._markers = markers

    def __getattr__(self, name: str) -> int:
        if name.startswith("_"):
            raise AttributeError(name)
        marker = new_marker()
        self._markers[marker] = Sql(self._level.column("pk" if name == "id" else name))
        return marker


class Order:
    """One key of a level's order: its SQL column, direction, nulls and cursor text."""

    def __init__(self, column: str, descending: bool, nulls: str, nullable: bool, field: Any):
        self.column = column
        self.descending = descending
        self.nulls = nulls  # "", " NULLS FIRST" or " NULLS LAST"
        self.nulls_first = nulls == " NULLS FIRST"
        self.nullable = nullable
        self.field = field

    def sql(self) -> str:
        return f"{self.column} {'DESC' if self.descending else 'ASC'}{self.nulls}"

    def cursor_value(self) -> str:
        if self.field is None:
            raise NotCompilable("an ordering without a field for cursors")
        return cursor_json(self.field, self.column)


def _field_of(model: Any, path: str) -> Any:
    field = None
    for part in path.split("__"):
        field = model._meta.pk if part == "pk" else model._meta.get_field(part)
        model = field.related_model or model
    return field


def orders(level: Level, queryset: Any, with_pk: bool) -> list[Order]:
    """The queryset's ordering as columns of `level` (the primary key last, for connections)."""
    found: list[Order] = []
    has_pk = False
    for item in ordering_of(queryset):
        if isinstance(item, str):
            if item == "?" or "." in item:
                raise NotCompilable(f"ordering by {item}")
            descending, path = item.startswith("-"), item.lstrip("-")
            expression, nulls = F(path), ""
        elif isinstance(item, OrderBy) and isinstance(item.expression, F):
            descending, path = item.descending, item.expression.name
            expression = item.expression
            nulls = " NULLS FIRST" if item.nulls_first else " NULLS LAST" if item.nulls_last else ""
        elif isinstance(item, OrderBy):  # an expression: fine for a list, no cursor
            descending, path, expression = item.descending, None, item.expression
            nulls = " NULLS FIRST" if item.nulls_first else " NULLS LAST" if item.nulls_last else ""
        elif hasattr(item, "resolve_expression"):  # `order_by(Collate(...))`: ascending
            descending, path, expression, nulls = False, None, item, ""
        else:
            raise NotCompilable(f"ordering by {item!r}")
        field = annotation_field(queryset, path) if path else output_field(queryset, expression)
        nullable = True
        if path and field is None:
            field = _field_of(queryset.model, path)
            nullable = field.null
        has_pk = has_pk or (path is not None and field is not None and field.primary_key)
        column = level.computed(("order", repr(item)), lambda viewer, e=expression: e)
        found.append(Order(column, descending, nulls, nullable, field))
    if with_pk and not has_pk:
        pk = queryset.model._meta.pk
        found.append(Order(level.column("pk"), False, "", False, pk))
    return found


def call_resolver(field: Any, source: Any, info: Any, kwargs: dict[str, Any]) -> Any:
    """A resolver's result, called as Strawberry would; an `async` one must not await."""
    resolver = field.base_resolver
    arguments = dict(kwargs)
    if resolver.info_parameter is not None:
        arguments[resolver.info_parameter.name] = info
    function = resolver.wrapped_func
    result = function(source, **arguments) if resolver.self_parameter else function(**arguments)
    if inspect.iscoroutine(result):
        try:
            result.send(None)
        except StopIteration as done:
            return done.value
        result.close()
        raise NotCompilable(f"{field.python_name} awaits")
    return result
