"""`curl -F` against a live daphne server storing on moto's S3 server: the whole real path.

The server runs in its own process with `AWS_STORAGE_BUCKET_NAME` and `AWS_S3_ENDPOINT_URL`
pointing at a moto server this test started; nothing is patched on either side.
"""

import json
import shutil
import subprocess
import sys
import urllib.request

import pytest

from tests.conftest import ROOT
from tests.e2e.server import free_port, live_server, server_env
from tests.media import pictures
from tests.media.conftest import CREDENTIALS, REGION, S3Bucket, moto_server

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("e2e"),
    pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl"),
]

UPLOAD = (
    "mutation ($file: Upload!) { uploadAvatar(file: $file) { user { avatarUrl(size: SMALL) } "
    "errors { code field } } }"
)


@pytest.fixture(scope="module")
def s3_endpoint():
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture(scope="module")
def live(tmp_path_factory, s3_endpoint):
    tmp = tmp_path_factory.mktemp("uploads-live")
    bucket = S3Bucket(s3_endpoint)
    env = server_env(
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        DJANGO_SECRET_KEY="e2e-uploads-secret-key-not-for-production-use",
        DJANGO_DEBUG="false",
        AWS_STORAGE_BUCKET_NAME=bucket.name,
        AWS_S3_ENDPOINT_URL=s3_endpoint,
        AWS_S3_REGION_NAME=REGION,
        AWS_ACCESS_KEY_ID=CREDENTIALS["aws_access_key_id"],
        AWS_SECRET_ACCESS_KEY=CREDENTIALS["aws_secret_access_key"],
    )
    env.pop("REDIS_URL", None)
    for name in (
        "AWS_LOCATION",
        "AWS_S3_CUSTOM_DOMAIN",
        "AWS_QUERYSTRING_AUTH",
        "UPLOAD_MAX_BYTES",
    ):
        env.pop(name, None)  # this machine's own storage settings must not leak in
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    port = free_port()
    command = ["daphne", "-b", "127.0.0.1", "-p", str(port), "booknest.asgi:application"]
    with live_server(command, env, port) as url:
        yield url, bucket


def graphql(url: str, query: str, variables: dict, token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    body = json.dumps({"query": query, "variables": variables}).encode()
    request = urllib.request.Request(f"{url}/graphql", body, headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 - local URL
        return json.loads(response.read())


def curl_upload(url: str, path, headers: list[str]) -> tuple[int, dict]:
    operations = json.dumps({"query": UPLOAD, "variables": {"file": None}})
    command = ["curl", "-sS", "-o", "-", "-w", "\n%{http_code}", f"{url}/graphql"]
    for header in headers:
        command += ["-H", header]
    command += ["-F", f"operations={operations}", "-F", 'map={"0": ["variables.file"]}']
    command += ["-F", f"0=@{path}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60)
    body, _, status = output.stdout.rpartition("\n")
    return int(status), json.loads(body)


def test_curl_uploads_an_avatar_to_s3(live, tmp_path):
    url, bucket = live
    registered = graphql(
        url,
        "mutation ($input: RegisterInput!) { register(input: $input) { token errors { code } } }",
        {"input": {"username": "curl", "email": "curl@example.org", "password": "w1nd-and-rain!"}},
    )
    token = registered["data"]["register"]["token"]
    picture = tmp_path / "me.jpg"
    picture.write_bytes(pictures.jpeg_with_gps())

    # Without a header (as a foreign page's form would post): refused, nothing stored.
    status, body = curl_upload(url, picture, [])
    assert status == 403 and body["errors"][0]["extensions"]["code"] == "CSRF_FAILED"
    assert bucket.objects() == set()

    status, body = curl_upload(url, picture, [f"Authorization: Bearer {token}"])
    assert status == 200, body
    result = body["data"]["uploadAvatar"]
    assert result["errors"] == []
    keys = bucket.objects()
    assert len(keys) == 3
    head = bucket.client.head_object(Bucket=bucket.name, Key=keys.pop())
    assert head["ContentType"] == "image/webp"
    assert "immutable" in head["CacheControl"]  # content-hashed keys: caches keep them for good
    with urllib.request.urlopen(result["user"]["avatarUrl"], timeout=10) as response:  # noqa: S310
        assert response.read()[:4] == b"RIFF"  # WebP, served by the S3 server, presigned
