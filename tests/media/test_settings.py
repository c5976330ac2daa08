"""Media storage settings: S3 when a bucket is named, the local folder otherwise."""

import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.test_settings import CLEAN_ENV

# Whatever storage the machine running the tests is configured with does not leak in.
ENV = {k: v for k, v in CLEAN_ENV.items() if not k.startswith(("AWS_", "UPLOAD_"))}

# Settings only (no django.setup()): what start-up would read, at a fraction of the cost.
SHOW = (
    "import booknest.settings as s; "
    "print(s.STORAGES['default']['BACKEND'], getattr(s, 'AWS_S3_ENDPOINT_URL', '-'), "
    "getattr(s, 'AWS_QUERYSTRING_AUTH', '-'), s.UPLOAD_MAX_BYTES, s.FILE_UPLOAD_MAX_MEMORY_SIZE)"
)


def start(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        env={
            **ENV,
            "DJANGO_SETTINGS_MODULE": "booknest.settings",
            "DJANGO_DEBUG": "1",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_a_bucket_uploads_go_to_the_local_folder():
    result = start()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:5] == [
        "django.core.files.storage.FileSystemStorage",
        "-",
        "-",
        "10485760",
        "2621440",
    ]


def test_a_bucket_selects_the_s3_backend():
    result = start(
        AWS_STORAGE_BUCKET_NAME="covers",
        AWS_S3_ENDPOINT_URL="http://minio:9000",
        AWS_QUERYSTRING_AUTH="false",
        UPLOAD_MAX_BYTES="1048576",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:5] == [
        "storages.backends.s3.S3Storage",
        "http://minio:9000",
        "False",
        "1048576",
        "1048576",
    ]


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("AWS_S3_ENDPOINT_URL", "ftp://minio:9000", "unknown scheme 'ftp'"),
        ("AWS_QUERYSTRING_AUTH", "sometimes", "expected true/false"),
        ("AWS_S3_ADDRESSING_STYLE", "dns", "expected path or virtual"),
        ("AWS_QUERYSTRING_EXPIRE", "5", "at least 60"),
    ],
)
def test_a_bad_storage_value_stops_start_up(variable, value, message):
    result = start(AWS_STORAGE_BUCKET_NAME="covers", **{variable: value})
    assert result.returncode != 0
    assert variable in result.stderr and message in result.stderr


@pytest.mark.parametrize("variable", ["UPLOAD_MAX_BYTES", "UPLOAD_MAX_PIXELS"])
def test_a_bad_upload_limit_stops_start_up(variable):
    result = start(**{variable: "10MB"})
    assert result.returncode != 0
    assert variable in result.stderr and "whole number" in result.stderr
