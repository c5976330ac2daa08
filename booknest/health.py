"""Liveness (`/healthz`) and readiness (`/readyz`) for load balancers and orchestrators.

`/readyz` checks each dependency at once, each within `CHECK_TIMEOUT_SECONDS`:

- required (one failing → 503, `"status": "unavailable"`): the database, the cache (Redis or
  local memory) and the channel layer (Redis ping, or the in-memory layer);
- degrading (reported with `"ok": false` but the answer stays 200, `"status": "degraded"`):
  search (falls back to the database engine) and media storage (the S3 bucket, by a
  `head_bucket`, or the local media folder, by writing a file there): without them the API
  still serves everything but uploads, and taking every instance out of the load balancer
  would turn a partial outage into a full one.

Each check reports `ok`, `required`, `backend` and `ms`, or `error` when it failed.
"""

import asyncio
import contextlib
import tempfile
import time
from functools import cache as memoize
from pathlib import Path

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse

from booknest.cache import uncounted

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
    with uncounted():  # a probe, not traffic: keep it out of the hit rate
        cache.set(key, "1", 5)
        if cache.get(key) != "1":
            raise RuntimeError("cache did not return what was written")
    return "redis" if settings.REDIS_URL else "local memory"


def _check_channel_layer() -> str:
    """The Redis server(s) of channels-redis answer a PING; the in-memory layer always does."""
    layer = settings.CHANNEL_LAYERS.get("default", {})
    if layer.get("BACKEND", "").endswith("InMemoryChannelLayer"):
        return "in memory"
    import redis

    for host in layer.get("CONFIG", {}).get("hosts", []):
        address = host["address"] if isinstance(host, dict) else host
        client = redis.Redis.from_url(
            address, socket_connect_timeout=CHECK_TIMEOUT_SECONDS / 2, socket_timeout=1
        )
        try:
            client.ping()
        finally:
            client.close()
    return "redis"


def _media_storage():
    from django.core.files.storage import storages

    return storages["default"]


@memoize
def _s3_probe_client(storage):
    """An S3 client like the storage's, but quick to give up (one attempt, 1 s timeouts);
    made once per storage (a boto3 session is slow to build)."""
    from botocore.config import Config

    quick = Config(
        connect_timeout=1, read_timeout=1, retries={"mode": "standard", "total_max_attempts": 1}
    )
    return storage._create_session().client(
        "s3",
        region_name=storage.region_name,
        use_ssl=storage.use_ssl,
        endpoint_url=storage.endpoint_url,
        verify=storage.verify,
        config=storage.client_config.merge(quick),
    )


def _s3_storage():
    """The media storage when it is an S3 bucket (django-storages), else None."""
    storage = _media_storage()
    return storage if getattr(storage, "bucket_name", None) else None


def _check_storage() -> str:
    """Uploads can be stored: the S3 bucket answers `head_bucket`, or the local media folder
    takes a file."""
    if storage := _s3_storage():
        _s3_probe_client(storage).head_bucket(Bucket=storage.bucket_name)
        return "s3"
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=root, prefix=".readyz-"):
        pass
    return "local folder"


def _prepare_s3_client() -> None:
    if storage := _s3_storage():
        _s3_probe_client(storage)


def _check_search() -> dict:
    """The search engine in use; OpenSearch is pinged, and its last failure shown.

    Search falls back to the database engine, so an OpenSearch failure degrades search
    without making the process unready: it is reported, not failed on.
    """
    from apps.search.engine import status

    return status(ping=True)


async def _run(name: str, check, *, required: bool = True) -> dict:
    started = time.perf_counter()
    try:
        backend = await asyncio.wait_for(
            sync_to_async(check, thread_sensitive=False)(), CHECK_TIMEOUT_SECONDS
        )
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return {"name": name, "ok": False, "required": required, "error": error[:300]}
    return {
        "name": name,
        "ok": True,
        "required": required,
        "backend": backend,
        "ms": round((time.perf_counter() - started) * 1000, 1),
    }


async def readyz(request):
    """Every required dependency answers: 200 when they do (`degraded` when an optional one
    does not), 503 with each failure named when a required one does not."""
    # Building the S3 client (once per process) is CPU work, not a dependency answering:
    # keep it out of the storage check's time limit.
    with contextlib.suppress(Exception):  # a bad configuration: the check reports it
        await sync_to_async(_prepare_s3_client, thread_sensitive=False)()
    results = await asyncio.gather(
        _run("database", _check_database),
        _run("cache", _check_cache),
        _run("channel_layer", _check_channel_layer),
        _run("search", _check_search, required=False),
        _run("storage", _check_storage, required=False),
    )
    ready = all(r["ok"] for r in results if r["required"])
    status = (
        "unavailable" if not ready else "ready" if all(r["ok"] for r in results) else "degraded"
    )
    body = {"status": status, "checks": {r.pop("name"): r for r in results}}
    response = JsonResponse(body, status=200 if ready else 503)
    response["Cache-Control"] = "no-store"
    return response
