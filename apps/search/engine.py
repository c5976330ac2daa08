"""Which engine answers: OpenSearch when configured, the database otherwise and as its fallback.

When OpenSearch errors or times out, the same request is answered by the database engine; the
failure is logged and kept in `status()` (shown by `/readyz`), so a degraded search is visible
without being an outage.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import connection

from apps.search.backends.base import SearchEngine

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_last_failure: dict | None = None
_remote = None
_remote_url: str | None = None
# After a failure, searches go straight to the database for this long instead of each waiting
# for OpenSearch's timeout; the /readyz ping and index writes keep trying meanwhile.
COOL_DOWN_SECONDS = 30.0


class EngineUnavailable(Exception):
    """The remote engine did not answer usably (error, timeout, unexpected response)."""


def database_engine() -> SearchEngine:
    if connection.vendor == "postgresql":
        from apps.search.backends.postgres import PostgresEngine

        return PostgresEngine()
    from apps.search.backends.sqlite import SqliteEngine

    return SqliteEngine()


def opensearch_engine():
    """The OpenSearch engine when `OPENSEARCH_URL` is set (one client per process), else None."""
    global _remote, _remote_url
    url = settings.OPENSEARCH_URL
    if not url:
        return None
    with _lock:
        if _remote is None or _remote_url != url:
            from apps.search.backends.opensearch import OpenSearchEngine

            _remote, _remote_url = OpenSearchEngine.from_settings(), url
        return _remote


def record_failure(operation: str, exc: Exception) -> None:
    global _last_failure
    message = f"{type(exc).__name__}: {exc}"[:300]
    _last_failure = {"operation": operation, "error": message, "at": time.time()}
    if operation == "index":
        # The database documents are written; OpenSearch misses this change until a rebuild.
        logger.error(
            "search: OpenSearch index update failed (run search_index --rebuild): %s", message
        )
    else:
        logger.warning(
            "search: OpenSearch %s failed, answered by the database: %s", operation, message
        )


def status(*, ping: bool = False) -> dict:
    """The engine in use and OpenSearch's last failure (for /readyz, which pings it)."""
    remote = opensearch_engine()
    if remote is not None and ping:
        try:
            remote.ping()
        except EngineUnavailable as exc:
            record_failure("ping", exc)
    failure = dict(_last_failure) if _last_failure else None
    if failure:
        failure["secondsAgo"] = round(time.time() - failure.pop("at"), 1)
    return {
        "engine": "opensearch" if remote else "database",
        "database": connection.vendor,
        "fallback": database_engine().name,
        "lastFailure": failure,
        "coolingDown": _cooling_down(),
    }


def _cooling_down() -> bool:
    failure = _last_failure
    return failure is not None and time.time() - failure["at"] < COOL_DOWN_SECONDS


def _with_fallback(operation: str, remote_call, database_call):
    remote = opensearch_engine()
    if remote is not None and not _cooling_down():
        try:
            return remote_call(remote)
        except EngineUnavailable as exc:
            record_failure(operation, exc)
    return database_call(database_engine())


def search(query, kinds, filters, first, after, viewer_id, *, facets=False):
    def run(engine):
        return engine.search(query, kinds, filters, first, after, viewer_id, facets=facets)

    return _with_fallback("search", run, run)


def suggest(prefix, kinds, limit, viewer_id):
    def run(engine):
        return engine.suggest(prefix, kinds, limit, viewer_id)

    return _with_fallback("suggest", run, run)
