"""The registered operations of this process, in memory: hash → text, refreshed cheaply.

Every process keeps all registered operations in a dict (they are few: one client's manifest is
a few hundred documents). Changing them (the admin, `register_operations`) bumps a generation
token in the shared cache; a process looks at that token at most every `CHECK_SECONDS` and reloads
from the database only when it changed. With the cache down (Redis errors are ignored), the
token reads as missing and the process reloads every `CHECK_SECONDS` instead: still correct.
"""

import hashlib
import threading
import time
import uuid

from asgiref.sync import sync_to_async
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

GENERATION_KEY = "operations:generation"
CHECK_SECONDS = 2.0


def sha256_of(text: str) -> str:
    """The hex SHA-256 of a document's UTF-8 text: its id in the registry and in APQ."""
    # "surrogatepass": a client's text may hold a lone surrogate (a JSON escape), which strict
    # UTF-8 cannot encode; its hash then matches nothing and the document fails to parse.
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class Registry:
    """All registered operations of this process (`{sha256: body}`), reloaded when stale."""

    def __init__(self) -> None:
        self._operations: dict[str, str] | None = None
        self._generation: str | None = None
        self._checked_at = 0.0
        self._lock = threading.Lock()

    def _fresh(self) -> dict[str, str] | None:
        """The copy in memory while it needs no check, else None."""
        operations = self._operations
        if operations is not None and time.monotonic() - self._checked_at < CHECK_SECONDS:
            return operations
        return None

    def load(self) -> dict[str, str]:
        """The operations, after checking the generation token if it is time (sync: may query)."""
        with self._lock:
            if (operations := self._fresh()) is not None:
                return operations
            from apps.operations.models import RegisteredOperation

            generation = cache.get(GENERATION_KEY)
            if generation is None:  # first use (or the cache is down: then it stays None)
                cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
                generation = cache.get(GENERATION_KEY)
            if self._operations is None or generation is None or generation != self._generation:
                self._operations = dict(RegisteredOperation.objects.values_list("sha256", "body"))
                self._generation = generation
            self._checked_at = time.monotonic()
            return self._operations

    async def aload(self) -> dict[str, str]:
        """`load` from async code: no thread hop while the copy in memory is fresh."""
        if (operations := self._fresh()) is not None:
            return operations
        return await sync_to_async(self.load)()

    def clear(self) -> None:
        """Forget this process's copy (the next lookup reloads)."""
        with self._lock:
            self._operations = None
            self._generation = None


registry = Registry()


async def registered_body(sha256: str) -> str | None:
    """The text registered under `sha256`, or None."""
    return (await registry.aload()).get(sha256.lower())


async def is_registered(text: str) -> bool:
    """Whether this exact text is a registered operation."""
    return sha256_of(text) in await registry.aload()


def invalidate() -> None:
    """The registered operations changed: every process reloads them (this one at once)."""
    registry.clear()
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def _changed(sender, **kwargs) -> None:
    transaction.on_commit(invalidate)


def connect_signals() -> None:
    """Invalidate on every save or delete of a RegisteredOperation (admin deletes included)."""
    from apps.operations.models import RegisteredOperation

    post_save.connect(_changed, sender=RegisteredOperation, dispatch_uid="operations-changed")
    post_delete.connect(_changed, sender=RegisteredOperation, dispatch_uid="operations-changed-d")
