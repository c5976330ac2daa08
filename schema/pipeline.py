"""The schema's extensions, run by one Strawberry extension (`Pipeline`).

Strawberry runs every hook of every extension through a context manager it makes anew for each
request (`contextlib.contextmanager` around the hook, a bound method, `functools.wraps`, an exit
stack): for the schema's eleven extensions and four hooks that was about a quarter of the Python
calls of a compiled read. `Pipeline` is one extension that runs the same extensions' hooks with
the same meaning, looking up once per class which hooks each one has:

- a phase (`on_operation`, `on_parse`, `on_validate`, `on_execute`, and `on_stream_result` for
  each result of a subscription) enters the steps' hooks in
  their order and leaves them in reverse order; a hook that raises while entering ends the phase
  with its exception (the hooks entered before it are not resumed, as under Strawberry);
- an exception raised inside a phase is thrown into each hook still open, innermost first; a hook
  that handles it (ends without raising) stops it there, one that raises another replaces it —
  as `contextlib.ExitStack` does for Strawberry;
- each step is an ordinary `SchemaExtension` (its own class, tests and `get_results()`, which are
  merged in order) and may be used on its own in a schema of its own.

Strawberry still wraps the Pipeline's own hooks in a context manager per phase and request.
`PipelineSchema` (the schema's class) hands Strawberry a runner (`PipelineRunner`) whose phases
enter and leave the Pipeline's steps directly (`Phase`): the same calls in the same order, less
than half of the Python around them. Any other extension runs through Strawberry's own.
"""

import functools
import inspect
from collections.abc import AsyncIterator
from typing import Any, ClassVar

import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.extensions.runner import SchemaExtensionsRunner


def _kind(step: type[SchemaExtension], phase: str) -> str | None:
    """How a step's hook for `phase` runs: a generator, an async generator, a plain or a
    coroutine function; None when the step has none."""
    hook = getattr(step, phase)
    if hook is getattr(SchemaExtension, phase):
        return None
    if inspect.isasyncgenfunction(hook):
        return "agen"
    if inspect.isgeneratorfunction(hook):
        return "gen"
    if inspect.iscoroutinefunction(hook):
        return "coro"
    if callable(hook):
        return "func"
    raise TypeError(f"{step.__name__}.{phase} must be callable")


async def _advance(hook: Any, kind: str, error: BaseException | None) -> BaseException | None:
    """Resumes an open hook after the phase (with the phase's exception, if any); the exception
    that goes on outwards (None when there is none, or the hook handled it)."""
    try:
        if kind == "agen":
            await (hook.__anext__() if error is None else hook.athrow(error))
        else:
            next(hook) if error is None else hook.throw(error)
    except (StopIteration, StopAsyncIteration):
        return None  # the hook ended: done, or it handled the exception
    except BaseException as raised:
        return raised
    return RuntimeError(f"{hook!r} yielded twice")


@functools.cache
def _plan(steps: tuple[type[SchemaExtension], ...], phase: str) -> tuple[tuple[int, str], ...]:
    """The steps with a hook for `phase` (their index and kind), worked out once per steps."""
    return tuple(
        (index, kind)
        for index, step in enumerate(steps)
        if (kind := _kind(step, phase)) is not None
    )


def _hook(phase: str) -> Any:
    """The Pipeline's hook for `phase`: an async generator function, as Strawberry needs."""

    async def hook(self: "Pipeline", *args: Any) -> AsyncIterator[None]:
        opened = await self._enter(phase, args)
        try:
            yield
        except BaseException as error:
            await self._leave(opened, error)  # raises, unless a hook handled it
            return
        await self._leave(opened, None)

    hook.__name__ = hook.__qualname__ = phase
    return hook


class Pipeline(SchemaExtension):
    """Runs `steps` (SchemaExtension classes, in order) as one Strawberry extension."""

    steps: ClassVar[tuple[type[SchemaExtension], ...]] = ()

    def __init__(self, *, execution_context: Any = None) -> None:
        self.parts = [step() for step in self.steps]  # as Strawberry makes them
        super().__init__(execution_context=execution_context)

    @property
    def execution_context(self) -> Any:
        return self._execution_context

    @execution_context.setter
    def execution_context(self, value: Any) -> None:
        self._execution_context = value
        for part in getattr(self, "parts", ()):
            part.execution_context = value

    async def _enter(self, phase: str, args: tuple) -> list[tuple[Any, str]]:
        """Enters the steps' hooks of `phase` in order; the ones left open (generators). A hook
        that raises on entering ends the phase there, its exception going out as it is (the hooks
        already open are not resumed: Strawberry's exit stack is not entered either)."""
        opened: list[tuple[Any, str]] = []
        for index, kind in _plan(self.steps, phase):
            hook = getattr(self.parts[index], phase)(*args)
            if kind == "agen":
                await hook.__anext__()
            elif kind == "gen":
                next(hook)
            else:
                if kind == "coro":
                    await hook
                continue
            opened.append((hook, kind))
        return opened

    @staticmethod
    async def _leave(opened: list[tuple[Any, str]], error: BaseException | None) -> None:
        """Leaves the open hooks in reverse order; raises what is left of `error`."""
        for hook, kind in reversed(opened):
            error = await _advance(hook, kind, error)
        if error is not None:
            raise error

    on_operation = _hook("on_operation")
    on_parse = _hook("on_parse")
    on_validate = _hook("on_validate")
    on_execute = _hook("on_execute")
    on_stream_result = _hook("on_stream_result")  # each result of a subscription (its argument)

    async def get_results(self) -> dict[str, Any]:
        results: dict[str, Any] = {}
        for part in self.parts:
            value = part.get_results()
            results.update(await value if inspect.isawaitable(value) else value)
        return results


class Phase:
    """One phase of a Pipeline as an async context manager, leaving as Strawberry's phases do:
    an exception a hook raises replaces the phase's; the phase's own goes on out of the phase
    even when a hook handled it (the hooks outside it then no longer see it), because
    Strawberry's phase context manager never suppresses one."""

    __slots__ = ("args", "opened", "phase", "pipeline")

    def __init__(self, pipeline: Pipeline, phase: str, args: tuple = ()) -> None:
        self.pipeline = pipeline
        self.phase = phase
        self.args = args

    async def __aenter__(self) -> None:
        self.opened = await self.pipeline._enter(self.phase, self.args)

    async def __aexit__(self, exc_type: Any, error: BaseException | None, traceback: Any) -> None:
        try:
            await self.pipeline._leave(self.opened, error)
        except BaseException as raised:
            if raised is not error:
                raise  # a hook's own exception replaces the phase's


class PipelineRunner(SchemaExtensionsRunner):
    """Strawberry's extensions runner for a schema whose one extension is a Pipeline."""

    def __init__(self, execution_context: Any, extensions: list[SchemaExtension]) -> None:
        super().__init__(execution_context, extensions)
        (self.pipeline,) = extensions

    def operation(self) -> Phase:
        return Phase(self.pipeline, "on_operation")

    def parsing(self) -> Phase:
        return Phase(self.pipeline, "on_parse")

    def validation(self) -> Phase:
        return Phase(self.pipeline, "on_validate")

    def executing(self) -> Phase:
        return Phase(self.pipeline, "on_execute")

    def on_stream_result(self, result: Any) -> Phase:
        return Phase(self.pipeline, "on_stream_result", (result,))


class PipelineSchema(strawberry.Schema):
    """A Strawberry schema that runs its Pipeline with `PipelineRunner` (any other list of
    extensions with Strawberry's runner)."""

    def create_extensions_runner(
        self, execution_context: Any, extensions: list[SchemaExtension]
    ) -> SchemaExtensionsRunner:
        if len(extensions) == 1 and isinstance(extensions[0], Pipeline):
            return PipelineRunner(execution_context, extensions)
        return super().create_extensions_runner(execution_context, extensions)
