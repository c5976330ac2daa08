"""Uploading avatars, covers and author photos over GraphQL multipart, on S3 and on a folder.

Every test runs twice (see `storage` in conftest): against moto's S3 server over HTTP, and on a
temporary MEDIA_ROOT. Assertions are on what a client sees (payload, URLs) and on what the
storage holds (listed), never on internals.
"""

import io
import urllib.request

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image
from strawberry.relay import to_base64

from apps.accounts.models import Profile
from apps.catalog.models import Book
from tests.factories import make_author, make_book, make_follow, make_user
from tests.media import pictures
from tests.media.client import (
    REMOVE_AVATAR,
    UPLOAD_AUTHOR_PHOTO,
    UPLOAD_BOOK_COVER,
    bearer,
    post_multipart,
    upload_avatar,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run after-commit work (deleting replaced files) as a real commit would."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def payload(response, name: str) -> dict:
    assert response.status_code == 200, response.content[:500]
    body = response.json()
    assert "errors" not in body, body
    return body["data"][name]


def image_at(storage, url: str) -> Image.Image:
    """The image a client gets at `url` (over HTTP from the S3 server; from disk for local)."""
    if storage.kind == "s3":
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - moto
            data = response.read()
    else:
        assert url.startswith("http://testserver/media/")
        data = storage.read(url.removeprefix("http://testserver/media/"))
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_upload_avatar_stores_clean_renditions_and_serves_their_urls(client, storage, commit):
    user = make_user()
    result = payload(
        commit(lambda: upload_avatar(client, user, pictures.jpeg_with_gps())), "uploadAvatar"
    )
    assert result["errors"] == []
    urls = result["user"]
    keys = storage.objects()
    assert len(keys) == 3 and all(k.startswith(f"avatars/{user.pk}/") for k in keys)
    assert {k.rsplit("-", 1)[1] for k in keys} == {"small.webp", "medium.webp", "large.webp"}
    sizes = {}
    for name in ("small", "medium", "large"):
        image = image_at(storage, urls[name])
        assert image.format == "WEBP"
        assert not image.getexif() and "exif" not in image.info  # no EXIF, no GPS
        sizes[name] = image.size
    assert sizes == {"small": (96, 96), "medium": (256, 256), "large": (600, 600)}
    for key in keys:
        data = storage.read(key)
        assert b"Exif" not in data and b"Ada Lovelace" not in data
    if storage.kind == "s3":
        assert "X-Amz-Signature=" in urls["medium"]  # presigned: the bucket stays private
        assert storage.content_type(next(iter(keys))) == "image/webp"


def test_replacing_an_avatar_deletes_the_old_files(client, storage, commit):
    user = make_user()
    commit(lambda: upload_avatar(client, user, pictures.jpeg_with_gps()))
    first = storage.objects()
    result = payload(commit(lambda: upload_avatar(client, user, pictures.webp())), "uploadAvatar")
    assert result["errors"] == []
    second = storage.objects()
    assert len(second) == 3 and not first & second
    assert Profile.objects.get(user=user).avatar.name in second

    # The same picture again: same content hash, same keys, nothing lost.
    commit(lambda: upload_avatar(client, user, pictures.webp(), name="again.png"))
    assert storage.objects() == second


def test_remove_avatar_deletes_every_file(client, storage, commit):
    user = make_user()
    commit(lambda: upload_avatar(client, user, pictures.png()))
    assert len(storage.objects()) == 3
    response = commit(
        lambda: client.post(
            "/graphql",
            {"query": REMOVE_AVATAR},
            content_type="application/json",
            headers=bearer(user),
        )
    )
    assert payload(response, "removeAvatar") == {"user": {"avatarUrl": None}, "errors": []}
    assert storage.objects() == set()
    assert Profile.objects.get(user=user).avatar.name == ""


REFUSALS = [
    ("notes.jpg", b"this is a text file, whatever its name says\n" * 50, "NOT_AN_IMAGE"),
    ("anim.gif", pictures.gif(), "NOT_AN_IMAGE"),
    ("huge.jpg", pictures.oversized(11), "TOO_LARGE"),
    ("bomb.png", pictures.png_header_claiming(50_000, 50_000), "TOO_MANY_PIXELS"),
    ("cut.jpg", pictures.truncated_jpeg(), "CORRUPT"),
]


@pytest.mark.parametrize("name, content, code", REFUSALS, ids=[r[2] + "-" + r[0] for r in REFUSALS])
def test_a_refused_file_changes_nothing(client, storage, commit, name, content, code):
    user = make_user()
    commit(lambda: upload_avatar(client, user, pictures.webp()))
    before_keys = storage.objects()
    before_name = Profile.objects.get(user=user).avatar.name
    result = payload(
        commit(lambda: upload_avatar(client, user, content, name=name)), "uploadAvatar"
    )
    assert result["user"] is None
    assert [(e["code"], e["field"]) for e in result["errors"]] == [(code, "file")]
    assert storage.objects() == before_keys  # nothing left behind, nothing lost
    assert Profile.objects.get(user=user).avatar.name == before_name


def test_anonymous_uploads_are_unauthenticated(client, storage):
    response = upload_avatar(client, None, pictures.webp())
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert storage.objects() == set()


def test_only_librarians_upload_covers(client, storage, commit):
    book = make_book(title="Piranesi")
    variables = {"bookId": to_base64("Book", book.pk), "file": None}
    files = {"variables.file": ("cover.jpg", pictures.jpeg_rotated_by_exif())}

    reader = make_user()
    response = post_multipart(client, UPLOAD_BOOK_COVER, variables, files, headers=bearer(reader))
    result = payload(response, "uploadBookCover")
    assert result["book"] is None and result["errors"][0]["code"] == "NOT_ALLOWED"
    assert storage.objects() == set()

    librarian = make_user()
    librarian.user_permissions.add(Permission.objects.get(codename="librarian"))
    response = commit(
        lambda: post_multipart(
            client, UPLOAD_BOOK_COVER, variables, files, headers=bearer(librarian)
        )
    )
    result = payload(response, "uploadBookCover")
    assert result["errors"] == []
    assert result["book"]["title"] == "Piranesi"
    # The camera's orientation is applied: the cover comes out portrait, proportions kept.
    assert image_at(storage, result["book"]["coverUrl"]).size == (600, 800)
    assert image_at(storage, result["book"]["small"]).size == (120, 160)
    assert all(key.startswith(f"covers/{book.pk}/") for key in storage.objects())
    assert len(storage.objects()) == 3
    assert Book.objects.get(pk=book.pk).cover.name.endswith("-large.webp")


def test_a_cover_for_an_unknown_book_is_not_found(client, storage):
    staff = make_user(is_staff=True)
    variables = {"bookId": to_base64("Book", 999_999), "file": None}
    files = {"variables.file": ("cover.png", pictures.png())}
    response = post_multipart(client, UPLOAD_BOOK_COVER, variables, files, headers=bearer(staff))
    result = payload(response, "uploadBookCover")
    assert [(e["code"], e["field"]) for e in result["errors"]] == [("NOT_FOUND", "bookId")]
    assert storage.objects() == set()


def test_staff_upload_author_photos(client, storage, commit):
    author = make_author(name="Susanna Clarke")
    staff = make_user(is_staff=True)
    variables = {"authorId": to_base64("Author", author.pk), "file": None}
    files = {"variables.file": ("photo.webp", pictures.webp((400, 300)))}
    response = commit(
        lambda: post_multipart(client, UPLOAD_AUTHOR_PHOTO, variables, files, headers=bearer(staff))
    )
    result = payload(response, "uploadAuthorPhoto")
    assert result["errors"] == []
    assert image_at(storage, result["author"]["photoUrl"]).size == (320, 240)
    assert {k.split("/")[0] for k in storage.objects()} == {"authors"}


def test_readers_without_images_have_null_urls(gql):
    user = make_user()
    book = make_book()
    author = make_author()
    data = gql(
        "query ($u: ID!, $b: ID!, $a: ID!) { u: node(id: $u) { ... on User { avatarUrl } } "
        "b: node(id: $b) { ... on Book { coverUrl } } a: node(id: $a) { ... on Author { photoUrl } } }",
        {
            "u": to_base64("User", user.pk),
            "b": to_base64("Book", book.pk),
            "a": to_base64("Author", author.pk),
        },
    )
    assert data["data"] == {
        "u": {"avatarUrl": None},
        "b": {"coverUrl": None},
        "a": {"photoUrl": None},
    }
    assert "errors" not in data


def test_a_string_instead_of_a_file_is_not_an_image(gql):
    gql.login(make_user())
    data = gql(
        "mutation ($file: Upload!) { uploadAvatar(file: $file) { errors { code field } } }",
        {"file": "data:image/png;base64,iVBORw0KGgo="},
    )
    assert data["data"]["uploadAvatar"]["errors"] == [{"code": "NOT_AN_IMAGE", "field": "file"}]


def test_an_external_cover_url_is_served_as_it_is(gql):
    book = make_book(cover="https://covers.example.org/b/isbn/9780261103573-L.jpg")
    data = gql(
        "query ($id: ID!) { node(id: $id) { ... on Book { coverUrl(size: SMALL) } } }",
        {"id": to_base64("Book", book.pk)},
    )
    assert data["data"]["node"]["coverUrl"] == book.cover.name


def test_image_urls_cost_no_query_per_row(gql, storage):
    """A page of readers with avatars costs as many queries as a shorter one."""
    star = make_user()
    query = """query ($id: ID!, $first: Int!) { node(id: $id) { ... on User {
        followers(first: $first) { edges { node { avatarUrl(size: SMALL) displayName } } } } } }"""
    for index in range(6):
        follower = make_user()
        Profile.objects.filter(user=follower).update(
            avatar=f"avatars/{follower.pk}/{index:024x}-large.webp"
        )
        make_follow(follower, star)

    counts = []
    for first in (2, 6):
        with CaptureQueriesContext(connection) as queries:
            data = gql.once(query, {"id": to_base64("User", star.pk), "first": first})
        edges = data["data"]["node"]["followers"]["edges"]
        assert len(edges) == first
        assert all("-small.webp" in edge["node"]["avatarUrl"] for edge in edges)
        counts.append(len(queries))
    assert counts[0] == counts[1]
