"""The per-request DataLoader registry and the base class every loader derives from.

A registry lives in the request's `Context` (on a WebSocket: one per operation), so a loader's
cache never outlives the operation that filled it. Loaders are named `<Target>By<Key>Loader`
and are fetched with `info.context.loaders.get(SomeLoader)`.

Batches of different loaders that are dispatched together (a book's authors, genres and rating
summary are asked for in the same tick) run in one trip to the worker thread, one after the
other, instead of one trip each: every `sync_to_async` hop is a thread switch, and on a busy
server those switches, not the queries, were the largest part of a resolver's time.
"""

import asyncio
import itertools
from collections.abc import Awaitable, Callable, Hashable, Iterable, Sequence
from typing import Any, Generic, TypeVar

from asgiref.sync import sync_to_async
from strawberry.dataloader import DataLoader

from booknest.internals.prepared import PreparedById

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
L = TypeVar("L", bound="Loader")


class Loader(DataLoader[K, V], Generic[K, V]):
    """A DataLoader whose batch function is plain synchronous ORM code, run off the event loop."""

    def __init__(self, context: Any) -> None:
        self.context = context
        super().__init__(load_fn=self._load)

    async def _load(self, keys: list[K]) -> Sequence[V]:
        registry = getattr(self.context, "loaders", None)
        if isinstance(registry, Loaders):
            return await registry.run_batch(self.batch_load, keys)
        return await sync_to_async(self.batch_load)(keys)

    def batch_load(self, keys: list[K]) -> Sequence[V]:
        raise NotImplementedError

    def load_then(self, key: K, then: Callable[[V], Any]) -> Any:
        """`then(value)` right away when `key` is already loaded (primed, or loaded earlier in
        the operation), else an awaitable of it.

        A resolver returning this is a plain function: graphql-core awaits what is awaitable
        and takes the rest as it is, so a value at hand costs no coroutine, no task and no
        trip through the event loop (a list of 20 reviews' readers was 20 of each).
        """
        future = self.load(key)
        if future.done():  # type: ignore[attr-defined]
            return then(future.result())  # type: ignore[attr-defined]
        return _then(future, then)


class ByIdLoader(Loader[int, V | None], Generic[V]):
    """Rows by primary key (None for an id without one), read with a prepared query
    (`booknest.internals.prepared`): a subclass names its `rows = PreparedById(Model)`."""

    rows: PreparedById

    def batch_load(self, keys: list[int]) -> list[V | None]:
        found = self.rows(keys)
        return [found.get(key) for key in keys]


class Loaders:
    """One instance of each loader class, created on first use; runs the batches of its
    loaders that are due together in one worker-thread hop (`run_batch`)."""

    def __init__(self, context: Any) -> None:
        self._context = context
        self._instances: dict[type, Loader] = {}
        self._due: list[tuple[Callable, list, asyncio.Future]] | None = None
        self._running: set[asyncio.Task] = set()

    def get(self, loader_class: type[L]) -> L:
        loader = self._instances.get(loader_class)
        if loader is None:
            loader = self._instances[loader_class] = loader_class(self._context)
        return loader  # type: ignore[return-value]

    def run_batch(self, batch_load: Callable[[list], Sequence], keys: list) -> asyncio.Future:
        """A future of `batch_load(keys)`, run in the worker thread together with every other
        batch that becomes due before the event loop's next turn."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        if self._due is None:
            self._due = []
            # The other loaders dispatched in this tick start their batches before this runs.
            loop.call_soon(self._flush)
        self._due.append((batch_load, keys, future))
        return future

    def _flush(self) -> None:
        due, self._due = self._due or [], None
        task = asyncio.ensure_future(_run_due(due))
        self._running.add(task)  # a reference, until it is done
        task.add_done_callback(self._running.discard)


class ThreadWork(Loader[int, tuple[bool, Any]]):
    """Work for the worker thread that rides along with the loader batches due at the same time.

    A book page asks for its authors, genres and rating summary (three loaders) and for its page
    of reviews (a connection) in the same tick: with `run`, the page is read in the same trip to
    the worker thread as the three batches, not in a hop of its own.
    """

    def __init__(self, context: Any) -> None:
        super().__init__(context)
        self._work: dict[int, Callable[[], Any]] = {}
        self._keys = itertools.count()

    def batch_load(self, keys: list[int]) -> list[tuple[bool, Any]]:
        return [_outcome(self._work.pop(key)) for key in keys]

    async def run(self, work: Callable[[], V]) -> V:
        """`work()`, run in the worker thread; what it raises is raised here."""
        key = next(self._keys)
        self._work[key] = work
        ok, value = await self.load(key)
        if not ok:
            raise value
        return value


def _outcome(work: Callable[[], Any]) -> tuple[bool, Any]:
    try:
        return True, work()
    except Exception as exc:  # handed back to `ThreadWork.run`'s caller alone
        return False, exc


async def _then(awaitable: Awaitable[V], then: Callable[[V], Any]) -> Any:
    return then(await awaitable)


async def _run_due(due: list[tuple[Callable, list, asyncio.Future]]) -> None:
    try:
        outcomes = await sync_to_async(_run_all)([(fn, keys) for fn, keys, _ in due])
    except BaseException as exc:  # cancelled, or the hop itself failed: fail them all
        for _, _, waiting in due:
            if not waiting.done():
                if isinstance(exc, asyncio.CancelledError):
                    waiting.cancel()
                else:
                    waiting.set_exception(exc)
        return
    for (_, _, waiting), (ok, value) in zip(due, outcomes, strict=True):
        if not waiting.done():
            if ok:
                waiting.set_result(value)
            else:
                waiting.set_exception(value)


def _run_all(batches: list[tuple[Callable, list]]) -> list[tuple[bool, Any]]:
    """Each batch's (True, values) or (False, the exception it raised), one after the other."""
    outcomes: list[tuple[bool, Any]] = []
    for batch_load, keys in batches:
        try:
            outcomes.append((True, batch_load(keys)))
        except Exception as exc:  # handed to that batch's loader
            outcomes.append((False, exc))
    return outcomes


def group_by(keys: Iterable[K], rows: Iterable[tuple[K, V]]) -> list[list[V]]:
    """The values of `rows` grouped under each key, in the order of `keys` (empty list if none)."""
    grouped: dict[K, list[V]] = {key: [] for key in keys}
    for key, value in rows:
        grouped.setdefault(key, []).append(value)
    return [grouped[key] for key in keys]
