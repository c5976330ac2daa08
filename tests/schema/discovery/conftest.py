from tests.discovery.conftest import _own_cache_namespace  # noqa: F401  (per-test cache keys)
