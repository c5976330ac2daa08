"""`importLibrary` over a real GraphQL multipart request, `importJob`, and `exportLibrary`."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.tokens import create_access_token
from apps.reading.models import UserBook
from tests.factories import make_book, make_user, make_user_book
from tests.imports.files import goodreads_csv

pytestmark = pytest.mark.django_db

IMPORT = """
mutation ($file: Upload!, $format: ImportFormat) {
  importLibrary(file: $file, format: $format) {
    job { id status format totalRows processedRows }
    errors { code field message }
  }
}"""
JOB = """
query ($id: ID!) {
  importJob(id: $id) {
    status totalRows processedRows createdCount updatedCount skippedCount failedCount error
    failedRows(first: 10) { totalCount edges { node { rowNumber reason } } }
  }
}"""


def post_import(client, user, text: str, variables=None):
    headers = {}
    if user is not None:
        token, _ = create_access_token(user)
        headers["Authorization"] = f"Bearer {token}"
    operations = {"query": IMPORT, "variables": {"file": None, **(variables or {})}}
    data = {
        "operations": json.dumps(operations),
        "map": json.dumps({"0": ["variables.file"]}),
        "0": SimpleUploadedFile("goodreads_library_export.csv", text.encode(), "text/csv"),
    }
    return client.post("/graphql", data, headers=headers).json()


def test_import_library_returns_the_pending_job_then_the_job_reports_every_failed_row(
    client, gql, django_capture_on_commit_callbacks
):
    reader = make_user()
    text = goodreads_csv([{"Title": "Fine", "My Rating": "4"}, {"Title": "", "My Rating": "2"}])
    with django_capture_on_commit_callbacks(execute=True):
        body = post_import(client, reader, text)
    payload = body["data"]["importLibrary"]
    assert payload["errors"] == []
    assert payload["job"]["status"] == "PENDING"  # returned before the work began
    assert (payload["job"]["format"], payload["job"]["totalRows"]) == ("GOODREADS", 2)

    job = gql.login(reader)(JOB, {"id": payload["job"]["id"]})["data"]["importJob"]
    assert job["status"] == "SUCCEEDED"
    assert (job["processedRows"], job["createdCount"], job["failedCount"]) == (2, 1, 1)
    assert job["failedRows"]["totalCount"] == 1
    assert job["failedRows"]["edges"][0]["node"] == {
        "rowNumber": 2,
        "reason": "The title is empty.",
    }
    assert UserBook.objects.filter(user=reader, book__title="Fine").exists()


def test_import_job_is_its_owners_only(client, gql, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        body = post_import(client, make_user(), goodreads_csv([{"Title": "A"}]))
    job_id = body["data"]["importLibrary"]["job"]["id"]
    assert gql.login(make_user())(JOB, {"id": job_id})["data"]["importJob"] is None


def test_import_library_refuses_an_unknown_file_with_what_was_expected(client):
    body = post_import(client, make_user(), "Name,Score\nDune,5\n", {"format": "AUTO"})
    [error] = body["data"]["importLibrary"]["errors"]
    assert (error["code"], error["field"]) == ("INVALID", "file")
    assert "expected a Goodreads export" in error["message"]


def test_import_library_states_the_row_limit(client, settings):
    settings.IMPORT_MAX_ROWS = 1
    body = post_import(client, make_user(), goodreads_csv([{"Title": "A"}, {"Title": "B"}]))
    [error] = body["data"]["importLibrary"]["errors"]
    assert error["code"] == "TOO_LARGE"
    assert "at most 1 rows" in error["message"]


def test_import_library_requires_login(client):
    body = post_import(client, None, goodreads_csv([{"Title": "A"}]))
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_export_library_gives_a_link_to_the_goodreads_file(client, gql):
    reader = make_user()
    make_user_book(reader, make_book("Dune", isbn13="9780441013593"), status="read")
    payload = gql.login(reader)(
        "mutation { exportLibrary(format: GOODREADS) { url expiresAt errors { code } } }"
    )["data"]["exportLibrary"]
    assert payload["errors"] == [] and payload["expiresAt"]
    assert payload["url"].startswith("http://testserver/exports/")
    download = client.get(payload["url"].removeprefix("http://testserver"))
    assert download.status_code == 200
    assert download.content.decode().splitlines()[0].startswith("Book Id,Title,Author,")
    assert "Dune" in download.content.decode()
