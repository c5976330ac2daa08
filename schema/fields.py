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

`context_field`: a resolver that needs nothing of `info` but `info.context`, called by
graphql-core directly (`install_context_resolvers`).
"""

import inspect
from collections.abc import Callable
from functools import cached_property
from typing import Any, ClassVar

import strawberry_django
from django.db.models.query_utils import DeferredAttribute
from graphql import GraphQLObjectType, GraphQLSchema
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField
from strawberry_django.fields.field import StrawberryDjangoField

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


class ConnectionField(StrawberryDjangoField):
    """A connection whose queryset hook runs on the event loop.

    strawberry-django narrows a connection's queryset (the node type's `get_queryset`, filters,
    ordering) in a thread of its own under ASGI, unless the rows are already prefetched. Here
    that narrowing only builds querysets: every `get_queryset` of the schema's node types adds
    a filter (visibility rules written as subqueries) and never evaluates one. The page itself
    is read afterwards in a worker thread (`schema.pagination.CursorConnection`).
    A node type whose `get_queryset` must read the database would have to stop using this.
    """

    def _can_run_qs_hook_inline(self, queryset: Any) -> bool:
        return self.is_connection or super()._can_run_qs_hook_inline(queryset)


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


class ContextField(StrawberryField):
    """A field whose resolver reads nothing of `info` but `info.context` (see `context_field`)."""


def context_field(*, description: str, deprecation_reason: str | None = None) -> Any:
    """`strawberry.field(...)` for a resolver `(self, info)` that uses only `info.context`.

    Strawberry resolves a field with a resolver through its full chain on every row: a
    Strawberry `Info` built around graphql-core's, argument conversion (even with none), the
    field-extension reducer, the resolver wrapper. Such a resolver needs none of it: once the
    schema is built, `install_context_resolvers` hands it to graphql-core as it is, called with
    graphql-core's own `info` (whose `context` is the same object). On the book page that is 40
    of the 47 resolutions that still took the chain (each review's `user` and `displayName`).
    """
    return ContextField(
        python_name=None,
        graphql_name=None,
        type_annotation=None,
        description=description,
        deprecation_reason=deprecation_reason,
    )


def install_context_resolvers(graphql_schema: GraphQLSchema) -> int:
    """Gives graphql-core the plain resolver of every `ContextField`; how many it did."""
    installed = 0
    for graphql_type in graphql_schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType):
            continue
        for graphql_field in graphql_type.fields.values():
            field = (graphql_field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            if isinstance(field, ContextField):
                graphql_field.resolve = _plain_resolver(field)
                installed += 1
    return installed


def _plain_resolver(field: ContextField) -> Callable[[Any, Any], Any]:
    resolver = field.base_resolver
    if (
        resolver is None
        or field.arguments
        or field.extensions
        or field.permission_classes
        or field.directives
        or resolver.is_async
        or list(inspect.signature(resolver.wrapped_func).parameters) != ["self", "info"]
    ):
        raise TypeError(
            f"{field.origin.__name__}.{field.python_name}: a context_field takes (self, info) "
            "only, is not async and has no arguments, extensions, permissions or directives"
        )
    function = resolver.wrapped_func

    def resolve(source: Any, info: Any, **_: Any) -> Any:
        return function(source, info)

    return resolve
