"""The multipart request spec at /graphql, and its guard against cross-site form posts."""

import json

import pytest
from django.middleware.csrf import CSRF_SECRET_LENGTH
from django.utils.crypto import get_random_string

from apps.accounts.models import Profile
from tests.asgi_client import ASGIClient
from tests.factories import make_user
from tests.helpers import without_cost
from tests.media import pictures
from tests.media.client import UPLOAD_AVATAR, bearer, post_multipart, upload_avatar

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser():
    """A client that enforces CSRF like a browser-facing server must (Django's test client
    skips the check by default)."""
    return ASGIClient(enforce_csrf_checks=True)


def test_a_cross_site_form_post_is_refused(browser, storage):
    # What a foreign page can make a visitor's browser send: multipart, cookies, no header.
    response = upload_avatar(browser, None, pictures.webp())
    assert response.status_code == 403
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "CSRF_FAILED"
    assert "Authorization" in error["message"]
    assert storage.objects() == set()


def test_a_valid_csrf_token_lets_a_multipart_request_through(browser, storage):
    secret = get_random_string(CSRF_SECRET_LENGTH)
    browser.cookies["csrftoken"] = secret
    response = upload_avatar(browser, None, pictures.webp(), headers={"X-CSRFToken": secret})
    # Past the CSRF check; the API itself still authenticates by header only.
    assert response.status_code == 200
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_wrong_csrf_token_is_refused(browser, storage):
    browser.cookies["csrftoken"] = get_random_string(CSRF_SECRET_LENGTH)
    response = upload_avatar(
        browser, None, pictures.webp(), headers={"X-CSRFToken": get_random_string(32)}
    )
    assert response.status_code == 403


def test_an_authorization_header_needs_no_csrf_token(
    browser, storage, django_capture_on_commit_callbacks
):
    user = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        response = upload_avatar(browser, user, pictures.png())
    assert response.status_code == 200
    assert response.json()["data"]["uploadAvatar"]["errors"] == []
    assert Profile.objects.get(user=user).avatar.name
    assert len(storage.objects()) == 3


def test_json_posts_still_need_no_csrf_token(browser):
    response = browser.post(
        "/graphql", {"query": "{ __typename }"}, content_type="application/json"
    )
    assert without_cost(response.json()) == {"data": {"__typename": "Query"}}


def post_form(client, data: dict, user=None):
    return client.post("/graphql", data, headers=bearer(user or make_user()))


def upload_file():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("a.png", pictures.png(), content_type="image/png")


OPERATIONS = json.dumps({"query": UPLOAD_AVATAR, "variables": {"file": None}})


@pytest.mark.parametrize(
    "data, message",
    [
        ({"map": json.dumps({"0": ["variables.file"]})}, "`operations`"),
        ({"operations": OPERATIONS}, "`map`"),
        ({"operations": "{not json", "map": "{}"}, "not valid JSON"),
        ({"operations": json.dumps([{"query": "{ __typename }"}]), "map": "{}"}, "batching"),
        ({"operations": OPERATIONS, "map": json.dumps({"0": ["variables.file"]})}, "not sent"),
        ({"operations": OPERATIONS, "map": json.dumps({"0": ["query"]})}, "`variables`"),
        ({"operations": OPERATIONS, "map": json.dumps({"0": ["variables.x.y"]})}, "does not exist"),
        ({"operations": OPERATIONS, "map": json.dumps({"0": "variables.file"})}, "list of paths"),
    ],
    ids=[
        "no operations",
        "no map",
        "bad JSON",
        "batch",
        "missing file",
        "outside variables",
        "bad path",
        "map not a list",
    ],
)
def test_a_malformed_multipart_request_is_400(client, data, message):
    if "map" in data and "not sent" not in message:
        data = {**data, "0": upload_file()}
    response = post_form(client, data)
    assert response.status_code == 400
    assert message in response.json()["errors"][0]["message"]


def test_a_file_not_in_the_map_is_ignored_and_a_missing_upload_is_a_graphql_error(client):
    response = post_form(client, {"operations": OPERATIONS, "map": "{}", "0": upload_file()})
    body = response.json()
    assert "file" in body["errors"][0]["message"]  # `$file` is null: variable coercion fails
    assert "data" not in body or body["data"] is None


def test_an_upload_reaches_the_resolver_through_curl_style_fields(
    client, storage, django_capture_on_commit_callbacks
):
    # Field order as `curl -F operations=… -F map=… -F 0=@file` sends it.
    user = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_multipart(
            client,
            UPLOAD_AVATAR,
            {"file": None},
            {"variables.file": ("x.webp", pictures.webp())},
            headers=bearer(user),
        )
    assert response.json()["data"]["uploadAvatar"]["user"]["large"].startswith("http")


def test_a_file_part_over_the_limit_is_counted_but_not_kept(settings):
    from apps.media.uploads import BoundedUploadHandler, OversizedUpload

    settings.FILE_UPLOAD_KEEP_MAX_BYTES = 100_000
    handler = BoundedUploadHandler()
    handler.new_file("0", "huge.jpg", "image/jpeg", None)
    chunk = b"x" * 40_000
    passed = [handler.receive_data_chunk(chunk, i * len(chunk)) for i in range(5)]
    # The next handlers (memory or temporary file) get 80,000 bytes, never more.
    assert [p is not None for p in passed] == [True, True, False, False, False]
    upload = handler.file_complete(200_000)
    assert isinstance(upload, OversizedUpload)
    assert (upload.name, upload.size, upload.read()) == ("huge.jpg", 200_000, b"")

    handler.new_file("1", "small.jpg", "image/jpeg", None)
    assert handler.receive_data_chunk(chunk, 0) == chunk
    assert handler.file_complete(40_000) is None  # within the limit: the next handler's file
