"""Introspection on or off (`GRAPHQL_INTROSPECTION`, read for each operation).

Off, an operation that selects `__schema` or `__type` fails validation with code
INTROSPECTION_DISABLED (over HTTP and WebSocket alike, since both validate through the schema);
`__typename` stays allowed, as clients (Apollo, Relay) add it everywhere. graphql-core's
`NoSchemaIntrospectionCustomRule` does the checking; this adds the code and reports each
introspection root once instead of once per nested field.
"""

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from graphql import FieldNode, GraphQLError, get_named_type, is_introspection_type
from graphql.language.visitor import SKIP
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension

INTROSPECTION_DISABLED = "INTROSPECTION_DISABLED"


class NoIntrospectionRule(NoSchemaIntrospectionCustomRule):
    """Refuses fields returning introspection types (`__schema`, `__type`), with a code."""

    def enter_field(self, node: FieldNode, *_args: Any):
        type_ = get_named_type(self.context.get_type())
        if type_ and is_introspection_type(type_):
            self.report_error(
                GraphQLError(
                    f"Introspection is disabled on this server: `{node.name.value}` may not be "
                    "queried.",
                    node,
                    extensions={"code": INTROSPECTION_DISABLED},
                )
            )
            return SKIP
        return None


class IntrospectionSwitch(SchemaExtension):
    """Adds `NoIntrospectionRule` to an operation's validation when introspection is off."""

    def on_operation(self) -> Iterator[None]:
        if not settings.GRAPHQL_INTROSPECTION:
            context = self.execution_context
            context.validation_rules = (*context.validation_rules, NoIntrospectionRule)
        yield
