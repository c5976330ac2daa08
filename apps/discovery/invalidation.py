"""When cached rankings go stale: a count of rating changes and a generation number.

Kept apart from `rankings` (which reads ratings) so that the rating services can call
`ratings_changed()` without an import cycle: this module depends on the cache alone.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

KEY_VERSION = "v1"
GENERATION_KEY = f"rankings:{KEY_VERSION}:generation"
CHANGES_KEY = f"rankings:{KEY_VERSION}:rating_changes"


def generation() -> int:
    """The current generation: part of every ranking's cache key."""
    return cache.get_or_set(GENERATION_KEY, 0, timeout=None)


def ratings_changed() -> None:
    """Count one rating change once the caller's transaction commits; after
    `RANKINGS_INVALIDATE_AFTER` changes, start a new generation (every ranking is recomputed
    on its next read)."""
    transaction.on_commit(_count_change)


def _count_change() -> None:
    cache.add(CHANGES_KEY, 0, timeout=None)
    changes = cache.incr(CHANGES_KEY)  # None when the cache (Redis) is down: nothing to count
    if changes is not None and changes >= settings.RANKINGS_INVALIDATE_AFTER:
        cache.set(CHANGES_KEY, 0, timeout=None)
        cache.add(GENERATION_KEY, 0, timeout=None)
        cache.incr(GENERATION_KEY)
