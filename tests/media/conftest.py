"""Storage for media tests: moto's standalone S3 server (real HTTP, no patching), or a folder.

`storage` runs a test once on each: an S3 bucket created for the test on a moto server
started once per test process, and a temporary MEDIA_ROOT. Both expose `objects()`, the keys
stored, so a test can check that nothing is left behind.
"""

import functools
import logging
import uuid
from contextlib import contextmanager
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}  # moto's


@contextmanager
def moto_server():
    """moto's S3 API over HTTP on a free local port, for as long as the block runs."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per S3 request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="session")
def s3_endpoint():
    with moto_server() as endpoint:
        yield endpoint


@functools.cache
def s3_client(endpoint: str):
    return boto3.client("s3", endpoint_url=endpoint, region_name=REGION, **CREDENTIALS)


class S3Bucket:
    kind = "s3"

    def __init__(self, endpoint: str):
        self.endpoint = endpoint
        self.name = f"booknest-{uuid.uuid4().hex[:12]}"
        self.client = s3_client(endpoint)
        self.client.create_bucket(Bucket=self.name)

    def objects(self) -> set[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return {item["Key"] for page in pages for item in page.get("Contents", [])}

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def content_type(self, key: str) -> str:
        return self.client.head_object(Bucket=self.name, Key=key)["ContentType"]


class LocalFolder:
    kind = "local"

    def __init__(self, root: Path):
        self.root = root

    def objects(self) -> set[str]:
        return {p.relative_to(self.root).as_posix() for p in self.root.rglob("*") if p.is_file()}

    def read(self, key: str) -> bytes:
        return (self.root / key).read_bytes()


def use_s3(settings, endpoint: str, **options) -> S3Bucket:
    bucket = S3Bucket(endpoint)
    # One STORAGES change rebuilds `default_storage` (Django's setting_changed handler resets
    # the lazy storage), and every option is in it, so no stale AWS_* value can leak in.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket.name,
                "endpoint_url": endpoint,
                "region_name": REGION,
                "access_key": CREDENTIALS["aws_access_key_id"],
                "secret_key": CREDENTIALS["aws_secret_access_key"],
                "querystring_auth": True,
                "file_overwrite": True,
                "signature_version": "s3v4",
                **options,
            },
        },
    }
    return bucket


def use_local(settings, root: Path) -> LocalFolder:
    settings.MEDIA_ROOT = root
    settings.MEDIA_URL = "/media/"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return LocalFolder(root)


@pytest.fixture
def s3_bucket(settings, s3_endpoint) -> S3Bucket:
    return use_s3(settings, s3_endpoint)


@pytest.fixture(params=["s3", "local"])
def storage(request, settings, tmp_path):
    """The same test on S3 (moto's server) and on the local folder."""
    if request.param == "s3":
        return use_s3(settings, request.getfixturevalue("s3_endpoint"))
    return use_local(settings, tmp_path / "media")
