"""Each test gets its own cache namespace (same backend: Redis when REDIS_URL is set), so cached
rankings never leak between tests or between xdist workers sharing one Redis database."""

import uuid

import pytest


@pytest.fixture(autouse=True)
def _own_cache_namespace(settings):
    default = dict(settings.CACHES["default"])
    default["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    if "locmem" in default["BACKEND"]:
        default["LOCATION"] = default["KEY_PREFIX"]
    settings.CACHES = {**settings.CACHES, "default": default}
