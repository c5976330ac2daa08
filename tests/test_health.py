"""/healthz says the process is up; /readyz says whether every dependency answers."""

import json
import time
import urllib.error
import urllib.request

import pytest
from django.core.cache import cache

from tests.e2e.server import free_port
from tests.media.conftest import s3_endpoint as s3_endpoint  # moto's S3 server, a fixture
from tests.media.conftest import use_s3


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
    assert set(body["checks"]) == {"database", "cache", "channel_layer", "search", "storage"}
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


# --- each dependency, and what a failing one does --------------------------------------------

REQUIRED = {"database", "cache", "channel_layer"}
DEGRADING = {"search", "storage"}


@pytest.mark.django_db
def test_readyz_lists_required_and_degrading_dependencies(client, settings):
    body = client.get("/readyz").json()
    assert set(body["checks"]) == REQUIRED | DEGRADING
    assert {name for name, c in body["checks"].items() if c["required"]} == REQUIRED
    channel_layer = "redis" if settings.REDIS_URL else "in memory"
    assert body["checks"]["channel_layer"]["backend"] == channel_layer
    assert body["checks"]["storage"]["backend"] == "local folder"
    assert all(check["ms"] >= 0 for check in body["checks"].values())


@pytest.mark.django_db
def test_an_unreachable_channel_layer_makes_the_process_unready(client, settings):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "booknest.internals.channel_layer.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": f"redis://127.0.0.1:{free_port()}/0"}]},
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    check = response.json()["checks"]["channel_layer"]
    assert check["ok"] is False and "ConnectionError" in check["error"]


@pytest.mark.django_db
def test_unwritable_media_folder_degrades_but_stays_ready(client, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = blocker / "media"  # cannot be created, even by root
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["storage"] == {
        "ok": False,
        "required": False,
        "error": body["checks"]["storage"]["error"],
    }
    assert "NotADirectoryError" in body["checks"]["storage"]["error"]


@pytest.mark.django_db
def test_an_s3_bucket_is_checked_with_head_bucket(client, settings, s3_endpoint):
    bucket = use_s3(settings, s3_endpoint)
    storage = client.get("/readyz").json()["checks"]["storage"]
    assert storage["ok"] is True and storage["backend"] == "s3"

    bucket.client.delete_bucket(Bucket=bucket.name)  # gone: the check says so
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    storage = body["checks"]["storage"]
    assert storage["ok"] is False and "404" in storage["error"]


@pytest.mark.django_db
def test_an_unreachable_s3_endpoint_degrades_but_stays_ready(client, settings):
    closed = f"http://127.0.0.1:{free_port()}"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "booknest-readyz-test",
                "endpoint_url": closed,
                "region_name": "us-east-1",
                "access_key": "testing",
                "secret_key": "testing",
            },
        },
    }
    started = time.monotonic()
    response = client.get("/readyz")
    assert time.monotonic() - started < 5
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    storage = body["checks"]["storage"]
    assert storage["ok"] is False and "EndpointConnectionError" in storage["error"]


@pytest.mark.django_db(transaction=True)
async def test_a_hanging_check_times_out_after_two_seconds(async_client, monkeypatch):
    from booknest import health

    def hangs() -> str:
        time.sleep(5)
        return "never"

    monkeypatch.setattr(health, "_check_search", hangs)
    started = time.monotonic()
    response = await async_client.get("/readyz")
    elapsed = time.monotonic() - started
    assert 1.9 < elapsed < 4.5
    body = response.json()
    assert body["checks"]["search"]["ok"] is False
    assert "TimeoutError" in body["checks"]["search"]["error"]
    assert response.status_code == 200 and body["status"] == "degraded"  # search degrades


@pytest.mark.e2e
@pytest.mark.xdist_group("e2e")
def test_live_server_with_redis_down_is_unready_and_says_why(tmp_path):
    from tests.test_observability import live_daphne

    down = f"redis://127.0.0.1:{free_port()}/0"
    with live_daphne(tmp_path, seed=False, REDIS_URL=down, IMPORT_RUNNER="thread") as live:
        started = time.monotonic()
        with pytest.raises(urllib.error.HTTPError) as unready:
            urllib.request.urlopen(f"{live.url}/readyz", timeout=15)  # noqa: S310
        assert time.monotonic() - started < 5
    assert unready.value.code == 503
    body = json.loads(unready.value.read())
    assert body["status"] == "unavailable"
    checks = body["checks"]
    assert checks["database"]["ok"] is True
    assert checks["cache"]["ok"] is False
    assert checks["channel_layer"]["ok"] is False
    assert checks["channel_layer"]["required"] is True
