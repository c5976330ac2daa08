"""Pins the Strawberry and strawberry-django internals BookNest uses
(`booknest/internals/strawberry.py`): each test fails when the library changes the name."""

import strawberry
from graphql import GraphQLSchema
from strawberry_django.fields.field import StrawberryDjangoField

from booknest.internals import strawberry as internals


@strawberry.type
class Query:
    answer: int = 42


def test_a_schema_holds_its_graphql_core_schema_and_type_map():
    built = strawberry.Schema(query=Query)
    assert isinstance(internals.graphql_schema(built), GraphQLSchema)
    assert "Query" in internals.type_map(built)
    assert internals.scalar_registry(built)


def test_strawberry_django_decides_where_a_queryset_hook_runs():
    hook = StrawberryDjangoField.__dict__.get("_can_run_qs_hook_inline")
    assert callable(hook)
    assert internals.InlineQuerysetHookField._can_run_qs_hook_inline is not hook
