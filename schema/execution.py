"""graphql-core's executor with a short path for plain attributes (issue 10's profiling).

For every field graphql-core builds a `GraphQLResolveInfo` (a tuple of fifteen values), looks
for arguments, calls the resolver, asks twice whether the result is awaitable and completes it
through `complete_value`'s chain of type checks. A plain attribute with a scalar or enum type
(`Review.title`, `Author.name`, a histogram's `count`: about a hundred of the book page's
fields) needs none of that: Strawberry resolves it without an `info` at all (its "basic" fields,
`schema.fields.model_field`). `ExecutionContext.execute_field` reads such a field's value and
serializes it directly, with graphql-core's own null and error handling; anything else — a
resolver, arguments, an object or list type, an awaitable value (a deferred column) — takes
graphql-core's path unchanged.
"""

from typing import Any

from graphql import GraphQLField, is_leaf_type, is_non_null_type
from graphql.pyutils import Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

# id(GraphQLField) → (the field, (its leaf type, whether non-null) or None when it has no short
# path). By identity: graphql-core's fields are not hashable; the field is kept to check it.
_SHORT: dict[int, tuple[GraphQLField, tuple[Any, bool] | None]] = {}


def _short_path(field: GraphQLField) -> tuple[Any, bool] | None:
    known = _SHORT.get(id(field))
    if known is not None and known[0] is field:
        return known[1]
    short = None
    if getattr(field.resolve, "_is_default", False) and not field.args:
        field_type = field.type
        non_null = is_non_null_type(field_type)
        leaf = field_type.of_type if non_null else field_type
        if is_leaf_type(leaf):
            short = (leaf, non_null)
    _SHORT[id(field)] = (field, short)
    return short


class ExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def execute_field(self, parent_type, source, field_details_list, path, position_context):
        node = field_details_list[0].node
        field = self.schema.get_field(parent_type, node.name.value)
        short = _short_path(field) if field is not None and not node.arguments else None
        middleware = self.middleware_manager  # always there, with no middlewares in it here
        if short is None or (middleware is not None and middleware.middlewares):
            return super().execute_field(
                parent_type, source, field_details_list, path, position_context
            )
        leaf, non_null = short
        try:
            result = field.resolve(source, None)
            if self.is_awaitable(result):  # e.g. a deferred column, read in a thread
                info = self.build_resolve_info(
                    field, [details.node for details in field_details_list], parent_type, path
                )
                return self.complete_awaitable_value(
                    field.type, field_details_list, info, path, result, position_context
                )
            if isinstance(result, Exception):
                raise result
            if result is None or result is Undefined:
                if non_null:
                    raise TypeError(
                        "Cannot return null for non-nullable field"
                        f" {parent_type.name}.{node.name.value}."
                    )
                return None
            return self.complete_leaf_value(leaf, result)
        except Exception as raw_error:
            self.handle_field_error(raw_error, field.type, field_details_list, path)
            return None
