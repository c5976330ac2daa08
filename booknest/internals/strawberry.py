"""Strawberry and strawberry-django names that are not public API, each pinned by a test in
`tests/internals/test_strawberry.py`."""

from typing import Any

from graphql import GraphQLSchema
from strawberry_django.fields.field import StrawberryDjangoField


def graphql_schema(schema: Any) -> GraphQLSchema:
    """The graphql-core schema a Strawberry schema built (`Schema._schema`)."""
    return schema._schema


def type_map(schema: Any) -> dict[str, Any]:
    """Strawberry's map of GraphQL type names to its built types (for their descriptions)."""
    return schema.schema_converter.type_map


def scalar_registry(schema: Any) -> Any:
    """Strawberry's scalar registry of a schema, which `convert_arguments` needs."""
    return schema.schema_converter.scalar_registry


class InlineQuerysetHookField(StrawberryDjangoField):
    """A strawberry-django field whose connection queryset hook runs on the event loop.

    strawberry-django narrows a connection's queryset (the node type's `get_queryset`, filters,
    ordering) in a thread of its own under ASGI, unless the rows are already prefetched; its
    `_can_run_qs_hook_inline` decides. BookNest's `get_queryset`s only build querysets (rules as
    subqueries), so for connections the hook runs inline, with no thread hop.
    """

    def _can_run_qs_hook_inline(self, queryset: Any) -> bool:
        return self.is_connection or super()._can_run_qs_hook_inline(queryset)
