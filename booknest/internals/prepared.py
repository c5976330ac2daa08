"""Querysets compiled to SQL once and run again with other ids (issue 10's profiling).

A loader runs the same query for every request; only its ids change. Building a queryset and
compiling it to SQL is the larger part of what Django spends on such a small query: for a book's
contributors (`filter(book_id__in=…)`, `select_related`, three orderings) 0.84 ms of CPU in all,
0.18 ms when the SQL is compiled once (measured in a loop on the bench machine). `PreparedQuery`
builds and compiles the queryset once per number of ids, then binds each call's ids into the
compiled parameters and runs that SQL; the rows come back through Django's own iterables (model
instances with their `select_related` relations, `values_list` tuples), as from the queryset.

How the ids are found in the compiled parameters: the queryset is built once with marker ids,
negative integers far below any id (primary keys are positive), and every marker must turn up
among the parameters; if one does not (a builder that drops, filters or transforms its ids), that
shape is never prepared and every call builds and runs the queryset as it is. So a builder must
depend on its arguments alone — anything else it reads (the clock, settings) would be frozen into
the SQL — and its arguments must be integer ids (they are bound as `int(…)`; a None id is
dropped, as Django's `IN` lookup drops it).
"""

import copy
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)
MARKER_BASE = -(2**62)  # the markers: MARKER_BASE - 0, MARKER_BASE - 1, …
MAX_PREPARED_IDS = 100  # a larger batch is rare (a page has at most 100 rows): run it as it is


@dataclass(frozen=True)
class _Compiled:
    queryset: QuerySet  # built with the markers; never evaluated itself
    compiler: Any  # its SQLCompiler, set up by `as_sql` (select, klass_info, converters' fields)
    sql: str
    params: tuple
    slots: tuple[tuple[int, int], ...]  # (position in params, index of the argument)


class _Query:
    """The compiled query, handing out the prepared compiler; whatever else Django's iterables
    read of a query comes from the real one."""

    def __init__(self, query: Any, compiler: Any) -> None:
        self._query = query
        self._compiler = compiler

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        return self._compiler

    def __getattr__(self, name: str) -> Any:
        return getattr(self._query, name)


class _Bound:
    """What Django's iterables (`ModelIterable`, `ValuesListIterable` …) read of a queryset."""

    def __init__(self, queryset: QuerySet, compiler: Any) -> None:
        self.db = queryset.db
        self.model = queryset.model
        self.query = _Query(queryset.query, compiler)
        self._fields = queryset._fields
        self._known_related_objects = queryset._known_related_objects


class PreparedQuery:
    """`PreparedQuery(lambda ids, *values: Model.objects.filter(…))(ids, *values)`: the rows of
    the queryset built for those ids (and extra integer values, such as the viewer's id),
    compiled once per number of ids. See the module's docstring for what a builder may do."""

    def __init__(self, build: Callable[..., QuerySet]) -> None:
        self._build = build
        self._compiled: dict[tuple[int, int], _Compiled | None] = {}
        self._lock = threading.Lock()

    def __call__(self, ids: Sequence[int], *values: int) -> list:
        # As Django's lookups would take them: None dropped (`IN` does), the rest as integers
        # (bound as they are, a "12" would reach the database as text).
        ids = [int(i) for i in ids if i is not None]
        values = tuple(int(v) for v in values)
        shape = (len(ids), len(values))
        compiled = self._prepared(shape) if 0 < len(ids) <= MAX_PREPARED_IDS else None
        if compiled is None:
            return list(self._build(ids, *values))
        arguments = [*ids, *values]
        params = list(compiled.params)
        for position, index in compiled.slots:
            params[position] = arguments[index]
        queryset = compiled.queryset
        compiler = copy.copy(compiled.compiler)
        compiler.connection = connections[queryset.db]  # this thread's connection
        sql = compiled.sql
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        return list(queryset._iterable_class(_Bound(queryset, compiler)))

    def _prepared(self, shape: tuple[int, int]) -> _Compiled | None:
        try:
            return self._compiled[shape]
        except KeyError:
            pass
        with self._lock:
            if shape not in self._compiled:
                self._compiled[shape] = self._compile(*shape)
        return self._compiled[shape]

    def _compile(self, id_count: int, value_count: int) -> _Compiled | None:
        markers = [MARKER_BASE - index for index in range(id_count + value_count)]
        queryset = self._build(markers[:id_count], *markers[id_count:])
        if queryset._prefetch_related_lookups:
            return None  # prefetches run queries of their own
        compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            sql, params = compiler.as_sql()
        except (EmptyResultSet, FullResultSet):
            return None
        index_of = {marker: index for index, marker in enumerate(markers)}
        slots = tuple(
            (position, index_of[value])
            for position, value in enumerate(params)
            if type(value) is int and value in index_of
        )
        if {index for _, index in slots} != set(range(len(markers))):
            return None  # an argument was dropped or transformed: no safe way to bind it
        return _Compiled(queryset, compiler, sql, tuple(params), slots)


class PreparedById(Generic[M]):
    """`in_bulk` for a model, prepared: `{id: row}` for the ids that exist."""

    def __init__(self, model: type[M]) -> None:
        self._model = model
        # No ordering: the rows go into a dict (`in_bulk` would sort by `Meta.ordering`).
        self._query = PreparedQuery(
            lambda ids: model._default_manager.filter(pk__in=ids).order_by()
        )

    def __call__(self, ids: Sequence[int]) -> dict[int, M]:
        if len(ids) > MAX_PREPARED_IDS:
            return self._model._default_manager.in_bulk(ids)  # batched to the backend's limits
        return {row.pk: row for row in self._query(ids)}
