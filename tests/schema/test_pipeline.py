"""schema/pipeline.py: extensions run as one Strawberry extension behave as they did as several
(order in and out, exceptions, results)."""

import asyncio

import pytest
import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from schema.pipeline import Pipeline

seen: list[str] = []


def step(name, *, refuse=False, handle=False):
    class Step(SchemaExtension):
        def on_operation(self):
            seen.append(f"{name} in")
            try:
                yield
            except GraphQLError:
                seen.append(f"{name} saw the error")
                if not handle:
                    raise
            seen.append(f"{name} out")

        async def on_execute(self):
            if refuse:
                raise GraphQLError(f"{name} refuses")
            seen.append(f"{name} executes")
            yield

        def get_results(self):
            return {name: True}

    Step.__name__ = name
    return Step


@strawberry.type
class Query:
    @strawberry.field
    def ok(self) -> int:
        return 1


def run(*steps, together=True):
    """The operation's result and what the steps saw, the steps run as one Pipeline or (as
    Strawberry runs them) as separate extensions."""

    class Extensions(Pipeline):
        pass

    Extensions.steps = steps
    seen.clear()
    schema = strawberry.Schema(query=Query, extensions=[Extensions] if together else list(steps))
    result = asyncio.run(schema.execute("{ ok }"))
    return (result.data, [e.message for e in result.errors or ()], result.extensions), list(seen)


CASES = {
    "all pass": lambda: (step("a"), step("b")),
    "one refuses": lambda: (step("a"), step("b", refuse=True), step("c")),
    "one handles": lambda: (step("a"), step("b", handle=True), step("c", refuse=True)),
}


@pytest.mark.parametrize("case", CASES)
def test_steps_run_as_one_extension_behave_as_separate_extensions(case):
    assert run(*CASES[case]()) == run(*CASES[case](), together=False)


def test_hooks_run_in_order_and_leave_in_reverse_with_every_steps_results():
    (data, errors, extensions), order = run(step("a"), step("b"))
    assert (data, errors, extensions) == ({"ok": 1}, [], {"a": True, "b": True})
    assert order == ["a in", "b in", "a executes", "b executes", "b out", "a out"]


def test_an_error_reaches_the_open_hooks_innermost_first():
    (_, errors, _), order = run(step("a"), step("b", refuse=True), step("c"))
    assert errors == ["b refuses"]
    assert "c executes" not in order  # the phase ended where it was refused
    assert order[-3:] == ["c saw the error", "b saw the error", "a saw the error"]
