"""No orphans: deleting what holds an image deletes its files, unless the image moved."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.catalog.merge import merge_authors
from apps.catalog.models import Author
from apps.catalog.services import delete_book
from apps.media import services
from tests.factories import make_author, make_book, make_user
from tests.media import pictures

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run(action, *args):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args)

    return run


def image(data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile("x.png", data or pictures.png(), content_type="image/png")


def test_deleting_a_user_deletes_their_avatar(storage, committed):
    user = make_user()
    committed(services.upload_avatar, user, image())
    assert len(storage.objects()) == 3
    committed(user.delete)
    assert storage.objects() == set()


def test_deleting_a_book_deletes_its_cover(storage, committed):
    staff = make_user(is_staff=True)
    book = make_book()
    committed(services.upload_book_cover, staff, book.pk, image())
    assert len(storage.objects()) == 3
    committed(delete_book, staff, book.pk)
    assert storage.objects() == set()


def test_a_merged_authors_photo_moves_to_the_survivor_and_stays(storage, committed):
    staff = make_user(is_staff=True)
    survivor, duplicate, other = make_author(), make_author(), make_author()
    committed(services.upload_author_photo, staff, duplicate.pk, image())
    committed(services.upload_author_photo, staff, other.pk, image(pictures.webp()))
    committed(services.upload_author_photo, staff, survivor.pk, image(pictures.png((80, 80))))
    survivor_photo = Author.objects.get(pk=survivor.pk).photo.name
    duplicate_keys = {k for k in storage.objects() if k.startswith(f"authors/{duplicate.pk}/")}

    # The survivor keeps its own photo: the duplicate's files go with the duplicate.
    committed(merge_authors, staff, survivor.pk, [duplicate.pk])
    assert Author.objects.get(pk=survivor.pk).photo.name == survivor_photo
    assert not duplicate_keys & storage.objects()

    # A survivor without a photo takes the duplicate's, files and all.
    committed(services.remove_author_photo, staff, survivor.pk)
    other_photo = Author.objects.get(pk=other.pk).photo.name
    other_keys = {k for k in storage.objects() if k.startswith(f"authors/{other.pk}/")}
    committed(merge_authors, staff, survivor.pk, [other.pk])
    assert Author.objects.get(pk=survivor.pk).photo.name == other_photo
    assert storage.objects() == other_keys


def test_a_failed_save_leaves_no_files(storage, monkeypatch):
    user = make_user()

    def broken_save(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("apps.accounts.models.Profile.save", broken_save)
    with pytest.raises(RuntimeError):
        services.upload_avatar(user, image())
    assert storage.objects() == set()


def test_a_failed_save_keeps_files_a_row_still_uses(storage, committed, monkeypatch):
    user = make_user()
    committed(services.upload_avatar, user, image())
    stored = storage.objects()

    def broken_save(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("apps.accounts.models.Profile.save", broken_save)
    with pytest.raises(RuntimeError):
        services.upload_avatar(user, image())  # the same picture: the same keys
    assert storage.objects() == stored
