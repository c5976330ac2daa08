"""Which pool a connection opened now should come from: `live_reads()` marks the reads of live
deliveries (booknest/postgres/base.py). Without PostgreSQL's pooling the mark changes nothing."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_live_reads: ContextVar[bool] = ContextVar("live_reads", default=False)


def in_live_reads() -> bool:
    return _live_reads.get()


@contextmanager
def live_reads(on: bool = True) -> Iterator[None]:
    """Connections opened inside come from the live pool (PostgreSQL with pooling on)."""
    token = _live_reads.set(on)
    try:
        yield
    finally:
        _live_reads.reset(token)
