"""A field declared with `permission_classes` resolves under BookNest's execution context (an
executor short path once called such fields with no `info`: "'NoneType' object has no
attribute 'context'")."""

import strawberry
from strawberry.permission import BasePermission

from schema import schema


class OnlyWithToken(BasePermission):
    message = "A token is needed."

    def has_permission(self, source, info, **kwargs) -> bool:
        return info.context.get("token") == "yes"


@strawberry.type
class Query:
    @strawberry.field(permission_classes=[OnlyWithToken])
    def secret(self) -> str:
        return "kept"

    plain: str = strawberry.field(default="open", permission_classes=[OnlyWithToken])


def test_a_field_with_permission_classes_resolves_and_refuses():
    checked = strawberry.Schema(query=Query, execution_context_class=schema.execution_context_class)
    allowed = checked.execute_sync(
        "{ secret plain }", context_value={"token": "yes"}, root_value=Query()
    )
    assert allowed.errors is None and allowed.data == {"secret": "kept", "plain": "open"}
    refused = checked.execute_sync("{ plain }", context_value={"token": "no"}, root_value=Query())
    assert [error.message for error in refused.errors] == ["A token is needed."]
