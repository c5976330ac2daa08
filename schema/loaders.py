"""The per-request DataLoader registry and the base class every loader derives from.

A registry lives in the request's `Context` (on a WebSocket: one per operation), so a loader's
cache never outlives the operation that filled it. Loaders are named `<Target>By<Key>Loader`
and are fetched with `info.context.loaders.get(SomeLoader)`.
"""

from collections.abc import Hashable, Iterable, Sequence
from typing import Any, Generic, TypeVar

from asgiref.sync import sync_to_async
from strawberry.dataloader import DataLoader

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
L = TypeVar("L", bound="Loader")


class Loader(DataLoader[K, V], Generic[K, V]):
    """A DataLoader whose batch function is plain synchronous ORM code, run off the event loop."""

    def __init__(self, context: Any) -> None:
        self.context = context
        super().__init__(load_fn=self._load)

    async def _load(self, keys: list[K]) -> Sequence[V]:
        return await sync_to_async(self.batch_load)(keys)

    def batch_load(self, keys: list[K]) -> Sequence[V]:
        raise NotImplementedError


class Loaders:
    """One instance of each loader class, created on first use."""

    def __init__(self, context: Any) -> None:
        self._context = context
        self._instances: dict[type, Loader] = {}

    def get(self, loader_class: type[L]) -> L:
        loader = self._instances.get(loader_class)
        if loader is None:
            loader = self._instances[loader_class] = loader_class(self._context)
        return loader  # type: ignore[return-value]


def group_by(keys: Iterable[K], rows: Iterable[tuple[K, V]]) -> list[list[V]]:
    """The values of `rows` grouped under each key, in the order of `keys` (empty list if none)."""
    grouped: dict[K, list[V]] = {key: [] for key in keys}
    for key, value in rows:
        grouped.setdefault(key, []).append(value)
    return [grouped[key] for key in keys]
