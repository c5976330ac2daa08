"""/healthz says the process is up; /readyz says whether every dependency answers."""

import pytest
from django.core.cache import cache


@pytest.mark.django_db
def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_each_dependency(client, settings):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "cache", "search"}
    assert all(check["ok"] for check in body["checks"].values())
    expected_cache = "redis" if settings.REDIS_URL else "local memory"
    assert body["checks"]["cache"]["backend"] == expected_cache


@pytest.mark.django_db
def test_readyz_is_503_and_names_the_failing_dependency(client, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(cache, "set", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["cache"]["ok"] is False
    assert "cache unreachable" in body["checks"]["cache"]["error"]
    assert body["checks"]["database"]["ok"] is True
