import pytest

from apps.catalog.openlibrary import OpenLibraryClient
from tests.openlibrary.server import FakeOpenLibrary


@pytest.fixture
def openlibrary(settings, monkeypatch):
    """A running fake Open Library the settings point at, with a private cache and no waits."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "openlibrary-tests",
        }
    }
    from django.core.cache import cache

    cache.clear()
    settings.OPENLIBRARY_TIMEOUT = 0.5
    settings.OPENLIBRARY_RETRIES = 2
    settings.OPENLIBRARY_MAX_PER_SECOND = 1000
    settings.OPENLIBRARY_USER_AGENT = "BookNest-tests/1.0 (tests@example.com)"
    monkeypatch.setattr(OpenLibraryClient, "backoff", 0.01)
    with FakeOpenLibrary(slow_seconds=1.5) as fake:
        settings.OPENLIBRARY_BASE_URL = fake.url
        settings.OPENLIBRARY_COVERS_URL = "https://covers.example.org"
        yield fake
