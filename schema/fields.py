"""Field helpers for model types that resolve with less work under ASGI (issue 10's profiling).

`model_field`: a model attribute exposed as it is, resolved the cheap way.

strawberry-django marks every field of a model type "not basic" (`is_basic_field` is always
False), so Strawberry resolves even a plain column such as `Review.title` through its full
resolver chain: an `Info` object, argument conversion, the field-extension reducer, then
strawberry-django's own `get_result`. On the benchmark's book page (20 reviews) 113 of the 157
fields resolved went through that chain; with `model_field`, 47 do.

A `ModelField` with no resolver, no extensions (filters, ordering, pagination, permissions)
and no relation is basic: Strawberry's fast path calls `get_result` straight away, with no
`Info`. strawberry-django's `get_result` still does the reading, so a value not loaded with the
row (a deferred column, a model property) is fetched the way it was before.

`connection`: a connection whose queryset is narrowed on the event loop (`ConnectionField`).
`PkId`: a mixin giving model `Node` types their id from the primary key without a search.
"""

from functools import cached_property
from typing import Any, ClassVar

import strawberry_django
from django.db.models.query_utils import DeferredAttribute
from strawberry_django.fields.field import StrawberryDjangoField

from booknest.internals.strawberry import InlineQuerysetHookField

_MISSING = object()


class ModelField(StrawberryDjangoField):
    @property
    def is_basic_field(self) -> bool:
        return (
            self.base_resolver is None
            and not self.extensions
            and not self.is_relation
            and not self.permission_classes
        )

    def get_result(self, source: Any, info: Any, args: list, kwargs: dict) -> Any:
        # A plain column loaded with its row is in the instance's __dict__ under its attname:
        # read it there. strawberry-django's `get_result` (kept for everything else: deferred
        # columns, files, properties, relations) inspects the class attribute each time.
        if source is not None and self.base_resolver is None:
            attname = self._plain_attnames.get(type(source), _MISSING)
            if attname is _MISSING:
                attname = self._plain_attname(type(source))
            if attname is not None:
                value = source.__dict__.get(attname, _MISSING)
                if value is not _MISSING:
                    return value
        return super().get_result(source, info, args, kwargs)

    @cached_property
    def _plain_attnames(self) -> dict[type, str | None]:
        return {}

    def _plain_attname(self, model: type) -> str | None:
        """The attname of a plain column of `model` (None: not one; a file, a property …)."""
        attribute = getattr(model, self.django_name or self.python_name, None)
        plain = type(attribute) is DeferredAttribute and not attribute.field.is_relation
        attname = attribute.field.attname if plain else None
        self._plain_attnames[model] = attname
        return attname


def model_field(**kwargs: Any) -> Any:
    """`strawberry_django.field(...)` for a model attribute without a resolver."""
    return strawberry_django.field(field_cls=ModelField, **kwargs)


class ConnectionField(InlineQuerysetHookField):
    """A connection whose queryset hook runs on the event loop (see `InlineQuerysetHookField`):
    every `get_queryset` of the schema's node types adds a filter (visibility rules written as
    subqueries) and never evaluates one. The page is read afterwards in a worker thread
    (`schema.pagination.CursorConnection`). A node type whose `get_queryset` must read the
    database would have to stop using this."""


def connection(*args: Any, **kwargs: Any) -> Any:
    """`strawberry_django.connection(...)` with the queryset hook on the event loop."""
    return strawberry_django.connection(*args, field_cls=ConnectionField, **kwargs)


class PkId:
    """Mixin for model `Node` types (before `relay.Node`): the node id is the primary key.

    Without it, strawberry's `Node.resolve_id_attr` looks for a `NodeID` annotation through
    every class of the type's MRO, evaluating annotations, each time an `id` is resolved:
    about 460 Python calls per id (measured on the book page), twenty times on a page of
    twenty books.
    """

    _id_attr: ClassVar[str | None] = "pk"
