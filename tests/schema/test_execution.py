"""The executor's short path for plain attributes (schema/execution.py) answers exactly what
graphql-core's own path answers, values, nulls and errors alike, and is taken on the book page."""

import asyncio
import enum

import pytest
import strawberry
from strawberry.relay import to_base64

from apps.core.models import Privacy
from bench.throughput import BOOK_PAGE
from schema import schema as booknest_schema
from schema.execution import ExecutionContext
from tests.factories import make_book, make_review, make_user


@strawberry.enum(description="A colour.")
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Broken(Exception):
    pass


class Row:
    def __init__(self, n):
        self.n = n
        self.name = f"row {n}" if n != 2 else None  # row 2 breaks a non-null field
        self.nick = None if n % 2 else f"nick {n}"
        self.colour = Colour.RED if n % 2 else Colour.BLUE
        self.score = n / 2

    @property
    def fragile(self) -> str:
        if self.n == 3:
            raise Broken("row 3 cannot say")
        return "fine"


@strawberry.type(description="A row.")
class RowType:
    name: str
    nick: str | None
    colour: Colour
    score: float
    fragile: str | None


@strawberry.type(description="Rows.")
class Query:
    @strawberry.field(description="Rows, some of them broken.")
    def rows(self) -> list[RowType | None]:
        return [Row(n) for n in range(5)]  # type: ignore[misc]

    @strawberry.field(description="One row.")
    async def row(self, n: int) -> RowType:
        return Row(n)  # type: ignore[return-value]


QUERIES = [
    "{ rows { name nick colour score fragile } }",
    "{ rows { nick colour } }",
    "{ row(n: 2) { nick name } }",
    "{ row(n: 3) { fragile score } }",
    "{ a: row(n: 1) { ...F } b: rows { ...F } } fragment F on RowType { nick colour }",
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_short_path_answers_what_graphql_core_answers(query):
    plain = strawberry.Schema(query=Query)
    short = strawberry.Schema(query=Query, execution_context_class=ExecutionContext)
    expected = asyncio.run(plain.execute(query))
    got = asyncio.run(short.execute(query))
    assert got.data == expected.data
    assert [e.formatted for e in got.errors or []] == [e.formatted for e in expected.errors or []]
    if "rows { name" in query:  # the cases are what they claim to be
        messages = [e.message for e in got.errors]
        assert "Cannot return null for non-nullable field RowType.name." in messages
        assert "row 3 cannot say" in messages


def test_the_book_page_builds_no_resolve_info_for_plain_attributes(db, monkeypatch, client):
    built = []
    real = ExecutionContext.build_resolve_info

    def counting(self, field_def, field_nodes, parent_type, path):
        built.append(f"{parent_type.name}.{field_nodes[0].name.value}")
        return real(self, field_def, field_nodes, parent_type, path)

    monkeypatch.setattr(ExecutionContext, "build_resolve_info", counting)
    book = make_book(title="Dune")
    for n in range(3):
        make_review(user=make_user(username=f"reader{n}"), book=book, privacy=Privacy.PUBLIC)
    response = client.post(
        "/graphql",
        {"query": BOOK_PAGE, "variables": {"id": to_base64("Book", book.pk)}},
        content_type="application/json",
    )
    data = response.json()["data"]["book"]
    assert data["title"] == "Dune" and len(data["reviews"]["edges"]) == 3
    assert booknest_schema.execution_context_class is ExecutionContext
    for plain_attribute in ("Book.title", "Review.title", "Review.body", "User.username"):
        assert plain_attribute not in built
    assert "Review.user" in built  # a resolver: graphql-core's own path
