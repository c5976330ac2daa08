"""Uploading and removing avatars, book covers and author photos.

Each upload is checked and rendered (apps.media.images) before anything is written, so a
refused file leaves nothing behind. The renditions are then stored, and the row is pointed at
them in a transaction that locks it; the previous image's files are deleted only once that
transaction has committed, and the new files are deleted again if it fails: the bucket holds
exactly the images rows point to.
"""

import logging

from django.db import transaction

from apps.accounts.models import Profile
from apps.catalog.models import Author, Book
from apps.catalog.services_common import require_librarian
from apps.core.errors import NotFound
from apps.media import storage
from apps.media.cleanup import delete_if_unused
from apps.media.images import AUTHOR_PHOTO, AVATAR, COVER, Kind, Size, render

logger = logging.getLogger(__name__)


def _replace(model, pk: int, field: str, folder: str, kind: Kind, file, *, id_field=None):
    """Point `model(pk).field` at a new image (or none when `file` is None)."""
    keys = storage.store(folder, render(file, kind)) if file is not None else {}
    new_name = keys.get(Size.LARGE, "")
    try:
        with transaction.atomic():
            if model is Profile:
                row, _ = Profile.objects.select_for_update().get_or_create(user_id=pk)
            else:
                row = model.objects.select_for_update().filter(pk=pk).first()
                if row is None:
                    # deleted since the caller checked it
                    raise NotFound(f"No {model._meta.verbose_name} with this id.", field=id_field)
            old_name = getattr(row, field).name
            setattr(row, field, new_name)
            row.save(update_fields=[field, "updated_at"])
            new_keys = set(keys.values())
            transaction.on_commit(lambda: delete_if_unused(old_name, keep=new_keys))
    except BaseException:
        _discard(new_name)
        raise
    return row


def _discard(name: str) -> None:
    """Delete the files just stored for a change that failed, unless a row already used them
    (the same image uploaded again). Never hides the failure that brought us here."""
    try:
        delete_if_unused(name)
    except Exception:
        logger.exception("could not discard %s after a failed change", name)


def upload_avatar(user, file) -> Profile:
    """Set the user's avatar from an uploaded image (square renditions)."""
    return _replace(Profile, user.pk, "avatar", f"avatars/{user.pk}", AVATAR, file)


def remove_avatar(user) -> Profile:
    """Remove the user's avatar and its files; nothing happens when there is none."""
    return _replace(Profile, user.pk, "avatar", f"avatars/{user.pk}", AVATAR, None)


def _require_book(user, book_id: int) -> None:
    require_librarian(user)
    if not Book.objects.filter(pk=book_id).exists():
        raise NotFound("No book with this id.", field="book_id")


def _require_author(user, author_id: int) -> None:
    require_librarian(user)
    if not Author.objects.filter(pk=author_id).exists():
        raise NotFound("No author with this id.", field="author_id")


def upload_book_cover(user, book_id: int, file) -> Book:
    """Set a book's cover (librarians only); renditions keep the cover's proportions."""
    _require_book(user, book_id)
    return _replace(Book, book_id, "cover", f"covers/{book_id}", COVER, file, id_field="book_id")


def remove_book_cover(user, book_id: int) -> Book:
    _require_book(user, book_id)
    return _replace(Book, book_id, "cover", f"covers/{book_id}", COVER, None, id_field="book_id")


def upload_author_photo(user, author_id: int, file) -> Author:
    """Set an author's photo (librarians only)."""
    _require_author(user, author_id)
    return _replace(
        Author, author_id, "photo", f"authors/{author_id}", AUTHOR_PHOTO, file, id_field="author_id"
    )


def remove_author_photo(user, author_id: int) -> Author:
    _require_author(user, author_id)
    return _replace(
        Author, author_id, "photo", f"authors/{author_id}", AUTHOR_PHOTO, None, id_field="author_id"
    )
