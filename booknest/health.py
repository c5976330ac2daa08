"""Liveness (`/healthz`) and readiness (`/readyz`) for load balancers and orchestrators."""

import asyncio
import time

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse

CHECK_TIMEOUT_SECONDS = 2.0


async def healthz(request):
    """The process is up and serving requests; says nothing of its dependencies."""
    return JsonResponse({"status": "ok"})


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return connection.vendor
    finally:
        # This runs in a worker thread of its own: hand its connection back (to the pool).
        connection.close()


def _check_cache() -> str:
    key = "readyz:probe"
    cache.set(key, "1", 5)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return what was written")
    return "redis" if settings.REDIS_URL else "local memory"


def _check_search() -> dict:
    """The search engine in use; OpenSearch is pinged, and its last failure shown.

    Search falls back to the database engine, so an OpenSearch failure degrades search
    without making the process unready: it is reported, not failed on.
    """
    from apps.search.engine import status

    return status(ping=True)


async def _run(name: str, check) -> dict:
    started = time.perf_counter()
    try:
        backend = await asyncio.wait_for(
            sync_to_async(check, thread_sensitive=False)(), CHECK_TIMEOUT_SECONDS
        )
    except Exception as exc:
        return {"name": name, "ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return {
        "name": name,
        "ok": True,
        "backend": backend,
        "ms": round((time.perf_counter() - started) * 1000, 1),
    }


async def readyz(request):
    """Every dependency answers: 200 when all do, 503 with each failure named when one does not."""
    results = await asyncio.gather(
        _run("database", _check_database),
        _run("cache", _check_cache),
        _run("search", _check_search),
    )
    ready = all(r["ok"] for r in results)
    body = {
        "status": "ready" if ready else "unavailable",
        "checks": {r.pop("name"): r for r in results},
    }
    return JsonResponse(body, status=200 if ready else 503)
