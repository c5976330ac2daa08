"""How a field states its SQL form, next to its definition (`@sql(...)` above the field).

Most fields need nothing: a model column (`model_field`), a node's `id`, a relation field
without a resolver and a connection whose resolver returns a queryset are compiled from what
they already are. A field whose resolver goes through a loader states its form:

- `Rows(build)`: the rows it returns, as a queryset built from the parent row and the viewer
  (`build(row, viewer)`); `many=True` for a list. `row.<attname>` stands for the parent's
  column, `viewer` for the viewer (a user whose `pk` is bound per request, or an anonymous
  user). The node type's own rules (`get_queryset`) are applied on top, as on the resolver path.
- `Expr(build)`: a value computed in SQL, as a Django expression annotated on the parent's
  queryset (`OuterRef("pk")` is the parent row): `build(viewer)`.
- `Raw(template, columns)`: a value as a PostgreSQL expression; `{pk}`, `{<attname>}` name the
  parent row's columns listed in `columns`, `{viewer}` the viewer's id (NULL when anonymous).
  An object-typed value is JSON whose keys are the type's GraphQL field names.
- `OneOf(build)`: for a field of a union type, the row of each member's model that it may be:
  `build(model, row, viewer)` → a queryset (None: never this model); the first member with a
  row is the value.
- `Post(build, finish)`: a value SQL reads and Python finishes without calling out (an image's
  URL from its file name): `build(viewer)` a Django expression as for `Expr`, then
  `finish(value, arguments, context)` once the statement has run (the field's arguments
  converted as its resolver takes them; the request's context). The resolver path calls the
  same `finish`.
- `Root(build)`: for a root field, the rows it returns from its (converted) arguments:
  `build(viewer, **arguments)`, a queryset; raising `GraphQLError` means "answer on the
  resolver path" (which raises the same error).

A field with no form (search hits, anything that calls out) runs on the
resolver path; an operation selecting one is answered there whole.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import BooleanField, ExpressionWrapper, Q

T = TypeVar("T")


@dataclass(frozen=True)
class Rows:
    build: Callable[..., Any]
    many: bool = False


@dataclass(frozen=True)
class Expr:
    build: Callable[[Any], Any]


@dataclass(frozen=True)
class Raw:
    template: str
    columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class OneOf:
    build: Callable[..., Any]


@dataclass(frozen=True)
class Post:
    build: Callable[[Any], Any]
    finish: Callable[[Any, dict, Any], Any]


@dataclass(frozen=True)
class Root:
    build: Callable[..., Any]
    many: bool = False


Form = Rows | Expr | Raw | OneOf | Post | Root


def sql(form: Form) -> Callable[[T], T]:
    """Declares a field's SQL form; applied above the field decorator."""

    def mark(field: T) -> T:
        field.sql_form = form  # type: ignore[attr-defined]
        return field

    return mark


def form_of(field: Any) -> Form | None:
    return getattr(field, "sql_form", None)


def when(condition: Q) -> ExpressionWrapper:
    """A condition on the row as a boolean value, for `Expr` (`when(Q(user_id=viewer.pk))`)."""
    return ExpressionWrapper(condition, output_field=BooleanField())
