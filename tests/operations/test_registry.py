"""The per-process copy of the registered operations: reloaded when, and only when, told."""

import pytest

from apps.operations import registry as registry_module
from apps.operations.models import RegisteredOperation
from apps.operations.registry import Registry, invalidate, sha256_of

pytestmark = pytest.mark.django_db

TYPENAME = "query Typename { __typename }"


@pytest.fixture(autouse=True)
def _private_cache(settings):
    """The invalidation token lives in the cache: a private one, so that parallel tests
    invalidating the shared Redis cannot make this process reload when it should not."""
    settings.CACHES = {
        "default": {
            "BACKEND": "booknest.cache.LocMemCache",
            "LOCATION": "registry-tests",
        }
    }


def test_another_process_reloads_after_an_invalidation_only(monkeypatch, django_assert_num_queries):
    other = Registry()  # the copy of some other process
    assert other.load() == {}
    RegisteredOperation.objects.create(sha256=sha256_of(TYPENAME), body=TYPENAME)
    monkeypatch.setattr(registry_module, "CHECK_SECONDS", 0)  # check the token every time
    with django_assert_num_queries(0):
        assert other.load() == {}  # same generation: no database query, still the old copy
    invalidate()  # what a save (after commit) or the command does
    assert other.load() == {sha256_of(TYPENAME): TYPENAME}


def test_within_the_check_interval_the_copy_is_used_as_is(django_assert_num_queries):
    other = Registry()
    other.load()
    RegisteredOperation.objects.create(sha256=sha256_of(TYPENAME), body=TYPENAME)
    invalidate()
    with django_assert_num_queries(0):
        assert other.load() == {}  # at most CHECK_SECONDS late
