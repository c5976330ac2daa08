"""SQL text with its parameters, and the stand-ins a plan is built with.

A plan is SQL with `%s` placeholders; each placeholder has a parameter that is either a value
known when the plan is made or a function of the request (`Bound`: the viewer's id, a variable,
a cursor). Querysets are compiled by Django with *marker* values standing for what is not known
yet (the parent row's columns, the viewer's id); `splice` replaces each marker parameter by the
column it stands for (SQL text) or by a request parameter.
"""

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet

from booknest.internals.django_sql import queryset_sql
from schema.compiled.collect import NotCompilable

_PLACEHOLDER = re.compile(r"%%|%s")
# Marker values: negative integers no row id can be, yet within a 32-bit integer column's range
# (Django turns a lookup with a value outside the column's range into "no rows" without a
# parameter, which `splice` would not find: `compile_queryset` checks every marker is there).
_markers = itertools.count(start=-2_000_000_000)


def new_marker() -> int:
    return next(_markers)


@dataclass(frozen=True)
class Bound:
    """A parameter known per request: `get(binding)`."""

    get: Callable[[Any], Any]


VIEWER = Bound(lambda binding: binding.viewer_id)


@dataclass
class Sql:
    text: str = ""
    params: list[Any] = field(default_factory=list)  # values, or `Bound`

    def __add__(self, other: "Sql | str") -> "Sql":
        if isinstance(other, str):
            return Sql(self.text + other, list(self.params))
        return Sql(self.text + other.text, self.params + other.params)

    def __radd__(self, other: str) -> "Sql":
        return Sql(other + self.text, list(self.params))

    @staticmethod
    def param(value: Any) -> "Sql":
        return Sql("%s", [value])

    @staticmethod
    def join(separator: str, parts: Iterable["Sql | str"]) -> "Sql":
        joined = Sql()
        for index, part in enumerate(parts):
            joined = joined + (separator if index else "") + part
        return joined

    def bind(self, binding: Any) -> list[Any]:
        return [p.get(binding) if isinstance(p, Bound) else p for p in self.params]

    def numbered(self, start: int = 1) -> str:
        """The text with PostgreSQL's own placeholders (`$1`, `$2` … from `start`; `%%` a
        percent sign)."""
        counter = itertools.count(start)
        return _PLACEHOLDER.sub(
            lambda m: "%" if m.group() == "%%" else f"${next(counter)}", self.text
        )


def literal(text: str) -> str:
    """A SQL string literal (for names known when the plan is made, never for client input)."""
    return "'" + text.replace("'", "''") + "'"


def splice(
    sql: str, params: Iterable[Any], markers: dict[int, "Sql | Bound"], found: set | None = None
) -> Sql:
    """Django's SQL with each marker parameter replaced by what it stands for."""
    values = iter(params)
    out = Sql()
    position = 0
    for match in _PLACEHOLDER.finditer(sql):
        out = out + sql[position : match.start()]
        position = match.end()
        if match.group() == "%%":
            out = out + "%%"
            continue
        value = next(values)
        replacement = markers.get(value) if type(value) is int else None
        if replacement is not None and found is not None:
            found.add(value)
        if replacement is None:
            out = out + Sql.param(value)
        elif isinstance(replacement, Bound):
            out = out + Sql.param(replacement)
        else:
            out = out + replacement
    return out + sql[position:]


def compile_queryset(queryset: Any, markers: dict[int, "Sql | Bound"]) -> Sql:
    """The queryset's SQL with its markers spliced; every marker of the parent row must be
    found (the viewer's may be unused)."""
    try:
        sql, params = queryset_sql(queryset)
    except EmptyResultSet:  # a lookup no row can match (a value out of a column's range)
        raise NotCompilable("a queryset Django compiles to nothing") from None
    found: set[int] = set()
    spliced = splice(sql, params, markers, found)
    expected = {marker for marker, stands in markers.items() if not isinstance(stands, Bound)}
    if expected - found:
        raise NotCompilable("a parent column was lost in the queryset's SQL")
    return spliced
