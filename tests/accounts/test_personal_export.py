"""exportPersonalData: a background job builds a ZIP of everything held about the reader,
downloaded through an expiring signed link."""

import csv
import io
import json
import zipfile

import pytest
from strawberry import relay

from apps.accounts.models import PersonalAccessToken, PersonalDataExport, RefreshToken
from tests.accounts.reader_world import build_world
from tests.factories import make_user
from tests.schema.accounts.helpers import error_codes

pytestmark = pytest.mark.django_db

EXPORT = "mutation { exportPersonalData { export { id status } errors { code field } } }"
LATEST = "{ me { personalDataExport { id status size downloadUrl error } } }"


@pytest.fixture(autouse=True)
def _runner(settings, tmp_path):
    settings.IMPORT_RUNNER = "inline"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


@pytest.fixture
def world():
    return build_world()


def export_and_download(gql, client, user, capture) -> zipfile.ZipFile:
    gql.login(user)
    with capture(execute=True):
        started = gql(EXPORT)["data"]["exportPersonalData"]
    assert started["errors"] == [] and started["export"]["status"] == "PENDING"
    latest = gql(LATEST)["data"]["me"]["personalDataExport"]
    assert latest["id"] == started["export"]["id"]
    assert latest["status"] == "SUCCEEDED", latest
    response = client.get(latest["downloadUrl"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    data = b"".join(response.streaming_content)
    assert latest["size"] == len(data)
    return zipfile.ZipFile(io.BytesIO(data))


def test_the_zip_holds_the_readers_data_as_json_and_csv(
    gql, client, world, django_capture_on_commit_callbacks
):
    from tests.factories import make_comment, make_like

    liked = make_like(world.ada)
    make_comment(world.ada, liked.review, body="Nice one")
    archive = export_and_download(gql, client, world.ada, django_capture_on_commit_callbacks)

    names = set(archive.namelist())
    assert {
        "README.txt",
        "profile.json",
        "shelves.json",
        "ratings.json",
        "reviews.json",
        "reading_lists.json",
        "comments.json",
        "likes.json",
        "reading_goals.json",
        "journal.json",
        "quotes.json",
        "book_traits.json",
        "up_next.json",
        "follows.json",
        "activities.json",
        "notifications.json",
        "notification_preferences.json",
        "copies.json",
        "reservations.json",
        "imports.json",
        "sessions.json",
        "personal_access_tokens.json",
        "safety.json",
        "other.json",
        "goodreads_library.csv",
    } == names

    def load(name):
        return json.loads(archive.read(name))

    profile = load("profile.json")
    assert profile["account"]["username"] == "ada"
    assert profile["account"]["email"] == "ada@example.com"
    assert "password" not in profile["account"]
    assert profile["profile"]["display_name"] == "Ada L."
    assert profile["interests"] == [{"genre": None, "text": "cosy mysteries"}]
    assert profile["social_links"][0]["url"] == "https://ada.example"

    shelves = {s["book_title"]: s for s in load("shelves.json")}
    assert shelves["Dune"]["status"] == "read"
    assert (shelves["Dune"]["started_at"], shelves["Dune"]["finished_at"]) == (
        "2024-01-02",
        "2024-02-03",
    )
    assert shelves["Dune"]["private_notes"] == "loved it"
    assert {r["book_title"]: r["value"] for r in load("ratings.json")} == {
        "Dune": "5.0",
        "Emma": "4.5",
    }
    assert [r["body"] for r in load("reviews.json")] == ["Spice!"]
    (reading_list,) = load("reading_lists.json")
    assert reading_list["name"] == "Desert island"
    assert [i["book_title"] for i in reading_list["items"]] == ["Kim"]
    assert load("reading_goals.json")[0]["books_target"] == 12
    assert [(c["body"], c["review_id"]) for c in load("comments.json")] == [
        ("Nice one", liked.review_id)
    ]
    assert [like["review_id"] for like in load("likes.json")] == [liked.review_id]
    follows = load("follows.json")
    assert [f["username"] for f in follows["following"]] == ["bob"]
    assert [f["username"] for f in follows["followers"]] == ["carol"]
    assert [a["verb"] for a in load("activities.json")] == ["reviewed"]
    (notification,) = load("notifications.json")
    assert (notification["type_key"], notification["actor_username"]) == ("new_follower", "carol")
    assert load("notification_preferences.json") == [
        {"type": "new_follower", "in_app": True, "email": False}
    ]
    copies = {c["book_title"]: c for c in load("copies.json")}
    assert copies["Ulysses"]["location"] == "shelf A"
    assert [loan["status"] for loan in copies["Iliad"]["loans"]] == ["on_loan", "returned"]
    assert all("user_id" not in loan for loan in copies["Iliad"]["loans"])  # borrowers' own
    assert [r["book_title"] for r in load("reservations.json")] == ["Odyssey"]
    (job,) = load("imports.json")
    assert job["status"] == "failed"
    assert job["failed_rows"][0]["reason"] == "No title"
    (session,) = load("sessions.json")
    assert session["user_agent"] == "Kobo/4.38"
    assert "token_hash" not in session
    (token,) = load("personal_access_tokens.json")
    assert (token["name"], token["scopes"]) == ("kobo", ["read"])
    assert "token_hash" not in token and "prefix" not in token

    # No secret, hash or password anywhere in the archive.
    everything = b"".join(archive.read(name) for name in names).decode()
    secrets = [
        world.pat_secret,
        world.refresh_secret,
        PersonalAccessToken.objects.get().token_hash,
        RefreshToken.objects.get().token_hash,
        world.ada.password,
    ]
    assert not [s for s in secrets if s in everything]

    rows = list(csv.DictReader(io.StringIO(archive.read("goodreads_library.csv").decode())))
    assert {row["Title"]: row["My Rating"] for row in rows} == {
        "Dune": "5",
        "Emma": "4.5",
        "Kim": "0",
    }
    assert rows[0]["Exclusive Shelf"] == "read"


def test_a_new_export_replaces_the_old_one(gql, client, django_capture_on_commit_callbacks):
    ada = make_user("ada")
    export_and_download(gql, client, ada, django_capture_on_commit_callbacks)
    old = PersonalDataExport.objects.get()
    old_file = old.file.path
    export_and_download(gql, client, ada, django_capture_on_commit_callbacks)
    assert PersonalDataExport.objects.count() == 1
    assert PersonalDataExport.objects.get().pk != old.pk
    import os

    assert not os.path.exists(old_file)


def test_one_export_at_a_time(gql):
    gql.login(make_user("ada"))
    assert gql(EXPORT)["data"]["exportPersonalData"]["errors"] == []  # not run: no commit here
    second = gql(EXPORT)["data"]["exportPersonalData"]
    assert second == {"export": None, "errors": [{"code": "CONFLICT", "field": None}]}


def test_an_export_whose_runner_died_does_not_block_the_next(gql, settings):
    from datetime import timedelta

    from django.utils import timezone

    ada = make_user("ada")
    stuck = PersonalDataExport.objects.create(user=ada, status="running")
    PersonalDataExport.objects.filter(pk=stuck.pk).update(
        created_at=timezone.now() - timedelta(seconds=settings.IMPORT_STALE_AFTER + 1)
    )
    started = gql.login(ada)(EXPORT)["data"]["exportPersonalData"]
    assert started["errors"] == []
    assert not PersonalDataExport.objects.filter(pk=stuck.pk).exists()


def test_an_export_deleted_while_it_runs_leaves_no_file(tmp_path, monkeypatch):
    from apps.accounts import personal_export

    ada = make_user("ada")
    export = PersonalDataExport.objects.create(user=ada)
    build = personal_export.build_zip

    def build_then_vanish(user):
        data = build(user)
        PersonalDataExport.objects.filter(pk=export.pk).delete()  # e.g. deleteAccount
        return data

    monkeypatch.setattr(personal_export, "build_zip", build_then_vanish)
    personal_export.run_personal_export(export.pk)
    assert list((tmp_path / "media").rglob("*.zip")) == []


def test_others_and_anonymous_see_no_export(gql, client, django_capture_on_commit_callbacks):
    ada = make_user("ada")
    export_and_download(gql, client, ada, django_capture_on_commit_callbacks)
    export_id = str(relay.GlobalID("PersonalDataExport", str(PersonalDataExport.objects.get().pk)))
    query = "query($id: ID!) { node(id: $id) { ... on PersonalDataExport { downloadUrl } } }"
    assert gql(query, {"id": export_id})["data"]["node"] is not None
    gql.login(make_user("bob"))
    assert gql(query, {"id": export_id})["data"]["node"] is None
    assert error_codes(gql('{ user(username: "ada") { personalDataExport { id } } }')) == [
        "NOT_ALLOWED"
    ]
    gql.logout()
    assert error_codes(gql(EXPORT)) == ["UNAUTHENTICATED"]
    assert gql(query, {"id": export_id})["data"]["node"] is None


def test_the_link_expires_and_cannot_be_forged(
    gql, client, settings, django_capture_on_commit_callbacks
):
    ada = make_user("ada")
    export_and_download(gql, client, ada, django_capture_on_commit_callbacks)
    url = gql.login(ada)(LATEST)["data"]["me"]["personalDataExport"]["downloadUrl"]
    assert client.get(url[:-3] + "xyz").status_code == 404
    settings.EXPORT_LINK_MAX_AGE = -1
    assert client.get(url).status_code == 404


def test_with_the_worker_runner_the_export_is_queued_for_the_import_workers(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    import uuid

    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    from apps.accounts.personal_export import export_personal_data
    from apps.imports import jobs
    from apps.imports.consumers import ImportWorker

    # A channel of this test's own: no live worker of another test takes the message.
    channel = f"imports-test-{uuid.uuid4().hex}"
    monkeypatch.setattr(jobs, "IMPORT_CHANNEL", channel)
    settings.IMPORT_RUNNER = "worker"
    ada = make_user("ada")
    with django_capture_on_commit_callbacks(execute=True):
        export = export_personal_data(ada)
    message = async_to_sync(get_channel_layer(jobs.IMPORT_LAYER).receive)(channel)
    assert message == {"type": "personal_export.run", "export_id": export.pk}
    export.refresh_from_db()
    assert export.status == "pending"  # nothing ran in the server process

    ImportWorker().personal_export_run(message)

    export.refresh_from_db()
    assert export.status == "succeeded" and export.size > 0


def test_the_export_holds_the_readers_journal_quotes_traits_and_queue(
    gql, client, world, django_capture_on_commit_callbacks
):
    from apps.impressions.models import (
        BookTraitMood,
        BookTraitVote,
        BookTraitWarning,
        ContentWarning,
        Quote,
    )
    from apps.reading.models import JournalEntry, UpNextItem, UserBook

    shelf = UserBook.objects.filter(user=world.ada).first()
    JournalEntry.objects.create(user=world.ada, user_book=shelf, page=12, note="so far so good")
    Quote.objects.create(user=world.ada, book=shelf.book, text="A line", privacy="private")
    vote = BookTraitVote.objects.create(user=world.ada, book=shelf.book, pace="fast")
    BookTraitMood.objects.create(vote=vote, book=shelf.book, mood="tense")
    BookTraitWarning.objects.create(
        vote=vote, book=shelf.book, warning=ContentWarning.objects.get(name="War"), severity="minor"
    )
    UpNextItem.objects.create(user=world.ada, book=shelf.book, position=0)
    archive = export_and_download(gql, client, world.ada, django_capture_on_commit_callbacks)

    def load(name):
        return json.loads(archive.read(name))

    (entry,) = load("journal.json")
    assert (entry["page"], entry["note"], entry["book_id"]) == (12, "so far so good", shelf.book_id)
    assert [q["text"] for q in load("quotes.json")] == ["A line"]
    (traits,) = load("book_traits.json")
    assert (traits["pace"], traits["moods"]) == ("fast", ["tense"])
    assert traits["content_warnings"] == [{"name": "War", "severity": "minor"}]
    assert [i["book_title"] for i in load("up_next.json")] == [shelf.book.title]
    assert "impressions.BookTraitVote" not in load("other.json")
