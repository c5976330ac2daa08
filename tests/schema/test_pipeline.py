"""schema/pipeline.py: extensions run as one Strawberry extension behave as they did as several
(order in and out, exceptions, results), under Strawberry's runner and under PipelineRunner."""

import asyncio

import pytest
import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from schema.pipeline import Pipeline, PipelineRunner, PipelineSchema

seen: list[str] = []


def step(name, *, refuse=False, handle=False, replace=False):
    class Step(SchemaExtension):
        def on_operation(self):
            seen.append(f"{name} in")
            try:
                yield
            except GraphQLError as error:
                seen.append(f"{name} saw the error")
                if replace:
                    raise GraphQLError(f"{name} replaced: {error.message}") from error
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


runners: list[str] = []


class Runner(PipelineRunner):
    def __init__(self, *args):
        super().__init__(*args)
        runners.append(type(self).__name__)


class SpiedSchema(PipelineSchema):
    def create_extensions_runner(self, execution_context, extensions):
        runner = super().create_extensions_runner(execution_context, extensions)
        if isinstance(runner, PipelineRunner):
            return Runner(execution_context, extensions)
        return runner


def run(*steps, together=True, schema_class=SpiedSchema):
    """The operation's result and what the steps saw, the steps run as one Pipeline (by
    `schema_class`: PipelineRunner's, or strawberry.Schema's own runner) or, as Strawberry runs
    them, as separate extensions."""

    class Extensions(Pipeline):
        pass

    Extensions.steps = steps
    seen.clear()
    extensions = [Extensions] if together else list(steps)
    schema = schema_class(query=Query, extensions=extensions)
    result = asyncio.run(schema.execute("{ ok }"))
    return (result.data, [e.message for e in result.errors or ()], result.extensions), list(seen)


CASES = {
    "all pass": lambda: (step("a"), step("b")),
    "one refuses": lambda: (step("a"), step("b", refuse=True), step("c")),
    "one handles": lambda: (step("a"), step("b", handle=True), step("c", refuse=True)),
    "one replaces": lambda: (step("a"), step("b", replace=True), step("c", refuse=True)),
}


@pytest.mark.parametrize("case", CASES)
def test_steps_run_as_one_extension_behave_as_separate_extensions(case):
    separate = run(*CASES[case](), together=False, schema_class=strawberry.Schema)
    assert run(*CASES[case](), schema_class=strawberry.Schema) == separate
    runners.clear()
    assert run(*CASES[case]()) == separate
    assert runners == ["Runner"]  # Strawberry asked the schema for its runner, and ran it


def test_the_booknest_schema_hands_strawberry_the_pipeline_runner():
    from schema import schema

    assert isinstance(schema, PipelineSchema)
    assert isinstance(
        schema.create_extensions_runner(None, schema.get_extensions()), PipelineRunner
    )


def test_hooks_run_in_order_and_leave_in_reverse_with_every_steps_results():
    (data, errors, extensions), order = run(step("a"), step("b"))
    assert (data, errors, extensions) == ({"ok": 1}, [], {"a": True, "b": True})
    assert order == ["a in", "b in", "a executes", "b executes", "b out", "a out"]


def test_an_error_reaches_the_open_hooks_innermost_first():
    (_, errors, _), order = run(step("a"), step("b", refuse=True), step("c"))
    assert errors == ["b refuses"]
    assert "c executes" not in order  # the phase ended where it was refused
    assert order[-3:] == ["c saw the error", "b saw the error", "a saw the error"]
