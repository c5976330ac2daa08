"""asgiref: whether the running code was called through `async_to_sync` from a thread.

`ThreadSensitiveContext(executor=...)` sends a request's thread-sensitive calls to the executor
given, even when a caller up the stack is a synchronous thread waiting in `async_to_sync` — whose
thread (and database connection, and test transaction) Django's own handler would use. The lean
path lends its kept threads only when no such caller exists (booknest/lean.py); asgiref names
that caller's executor in a private attribute.
"""

from asgiref.sync import AsyncToSync


def called_from_sync_thread() -> bool:
    """Whether a synchronous thread waits for this coroutine in `async_to_sync`."""
    return getattr(AsyncToSync.executors, "current", None) is not None
