"""Field collection (GraphQL spec §6.3.2) for the planner: fragments merged, aliases kept.

Only what a plan can be made of is accepted: `@skip`/`@include` with a literal condition (one
given by a variable makes the operation run on the resolver path, `NotCompilable`). A fragment
applies to an object type when its condition is that type, an interface it implements or a
union it belongs to.
"""

from graphql import (
    BooleanValueNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
)


class NotCompilable(Exception):
    """This operation (or this part of it) has no plan: it runs on the resolver path."""


def _included(node) -> bool:
    for directive in node.directives or ():
        name = directive.name.value
        if name not in ("skip", "include"):
            continue
        (argument,) = directive.arguments
        if not isinstance(argument.value, BooleanValueNode):
            raise NotCompilable(f"@{name} with a variable")
        if argument.value.value == (name == "skip"):
            return False
    return True


def _applies(schema: GraphQLSchema, type_condition, object_type: GraphQLObjectType) -> bool:
    if type_condition is None or type_condition.name.value == object_type.name:
        return True
    condition = schema.get_type(type_condition.name.value)
    if condition is None or isinstance(condition, GraphQLObjectType):
        return False
    return any(t is object_type for t in schema.get_possible_types(condition))


def collect(
    schema: GraphQLSchema,
    object_type: GraphQLObjectType,
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    into: dict[str, list[FieldNode]] | None = None,
) -> dict[str, list[FieldNode]]:
    """Response key → the field nodes selected under it, in the order of the document."""
    fields = {} if into is None else into
    for selection in selection_set.selections if selection_set else ():
        if not _included(selection):
            continue
        if isinstance(selection, FieldNode):
            key = selection.alias.value if selection.alias else selection.name.value
            fields.setdefault(key, []).append(selection)
        elif isinstance(selection, InlineFragmentNode):
            if _applies(schema, selection.type_condition, object_type):
                collect(schema, object_type, selection.selection_set, fragments, fields)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments[selection.name.value]
            if _applies(schema, fragment.type_condition, object_type):
                collect(schema, object_type, fragment.selection_set, fragments, fields)
    return fields


def sub_fields(
    schema: GraphQLSchema,
    object_type: GraphQLObjectType,
    nodes: list[FieldNode],
    fragments: dict[str, FragmentDefinitionNode],
) -> dict[str, list[FieldNode]]:
    """The merged selections of several nodes of one response key."""
    fields: dict[str, list[FieldNode]] = {}
    for node in nodes:
        collect(schema, object_type, node.selection_set, fragments, fields)
    return fields
