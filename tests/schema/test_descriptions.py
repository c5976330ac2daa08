"""Every type, field, argument and enum value of the schema is described for API users."""

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLUnionType,
)

from schema import schema


def undescribed() -> list[str]:
    missing = []
    for name, graphql_type in schema._schema.type_map.items():
        if name.startswith("__") or not hasattr(graphql_type, "description"):
            continue
        kinds = (
            GraphQLObjectType,
            GraphQLInputObjectType,
            GraphQLEnumType,
            GraphQLInterfaceType,
            GraphQLUnionType,
        )
        if isinstance(graphql_type, kinds) and not graphql_type.description:
            missing.append(name)
        for field_name, field in getattr(graphql_type, "fields", {}).items():
            if not field.description:
                missing.append(f"{name}.{field_name}")
            for arg_name, arg in getattr(field, "args", {}).items():
                if not arg.description:
                    missing.append(f"{name}.{field_name}({arg_name})")
    return missing


def test_every_type_field_and_argument_has_a_description():
    assert undescribed() == []
