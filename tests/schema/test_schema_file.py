"""`schema.graphql` at the root is the exported SDL; it must not drift from the code."""

from strawberry.printer import print_schema

from schema import schema
from tests.conftest import ROOT


def test_schema_graphql_matches_the_code():
    committed = (ROOT / "schema.graphql").read_text()
    assert committed.strip() == print_schema(schema).strip(), (
        "schema.graphql is out of date: run `make schema` and commit the result"
    )
