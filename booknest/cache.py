"""The cache backends BookNest configures (django-redis with REDIS_URL, else local memory),
counting reads as hits and misses for `booknest_cache_requests_total{result}` (the hit rate).

Counted: `get` (and so `aget` and friends, which Django builds on it), `get_many` (one per
key), `has_key` and `get_or_set` (once, by its first read). A value stored as `None` is a hit:
misses are told apart with a sentinel, not by the value. With Redis unreachable
(`IGNORE_EXCEPTIONS`), reads are misses. Writes, `incr` and the like are not reads and are
not counted; nor are the readiness probe's own reads (`uncounted()`).
"""

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from asgiref.sync import sync_to_async
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache as BaseLocMemCache
from django_redis.cache import RedisCache as BaseRedisCache

from booknest import metrics

_MISSING = object()
_counting: contextvars.ContextVar[bool] = contextvars.ContextVar("cache_counting", default=True)


@contextmanager
def uncounted() -> Iterator[None]:
    """Cache reads in this block are not counted (health probes, not traffic)."""
    token = _counting.set(False)
    try:
        yield
    finally:
        _counting.reset(token)


def _count(hits: int, misses: int) -> None:
    if not _counting.get():
        return
    if hits:
        metrics.CACHE_REQUESTS.labels(result="hit").inc(hits)
    if misses:
        metrics.CACHE_REQUESTS.labels(result="miss").inc(misses)


class CountedGetOrSet:
    """`get_or_set` counted once, as the hit or miss of its first read (Django's own reads the
    value back after adding it, which would count a hit for every miss)."""

    def get_or_set(self, key, default, timeout=DEFAULT_TIMEOUT, version=None):
        value = self.get(key, _MISSING, version=version)
        if value is not _MISSING:
            return value
        if callable(default):
            default = default()
        self.add(key, default, timeout=timeout, version=version)
        with uncounted():
            # Another process may have added first: theirs wins, as in Django.
            return self.get(key, default, version=version)

    async def aget_or_set(self, key, default, timeout=DEFAULT_TIMEOUT, version=None):
        return await sync_to_async(self.get_or_set)(key, default, timeout, version)


class RedisCache(CountedGetOrSet, BaseRedisCache):
    """django-redis's cache, counting hits and misses."""

    def get(self, key, default=None, version=None, client=None):
        value = super().get(key, _MISSING, version=version, client=client)
        if value is _MISSING:
            _count(0, 1)
            return default
        _count(1, 0)
        return value

    def get_many(self, keys, version=None, client=None):
        keys = list(keys)
        found = super().get_many(keys, version=version, client=client)
        _count(len(found), len(set(keys)) - len(found))
        return found

    def has_key(self, key, version=None, client=None):
        present = bool(super().has_key(key, version=version, client=client))
        _count(int(present), int(not present))
        return present


class LocMemCache(CountedGetOrSet, BaseLocMemCache):
    """Django's local-memory cache, counting hits and misses (`get_many` and `get_or_set`
    go through `get`)."""

    def get(self, key, default=None, version=None):
        value = super().get(key, _MISSING, version=version)
        if value is _MISSING:
            _count(0, 1)
            return default
        _count(1, 0)
        return value

    def has_key(self, key, version=None):
        present = super().has_key(key, version=version)
        _count(int(present), int(not present))
        return present
