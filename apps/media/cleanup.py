"""No orphans: an image's files go when no row points to them any more.

Replacing or removing an image deletes its files after the commit (apps.media.services). So
does deleting the row that holds it (a user, a book, an author, cascades included), through
`post_delete`. A merge moves a duplicate's image to the survivor before deleting the duplicate,
so files are deleted only when, once committed, no row references them.
"""

from django.db import transaction
from django.db.models.signals import post_delete

from apps.accounts.models import Profile
from apps.catalog.models import Author, Book
from apps.media import storage

IMAGE_FIELDS = {Profile: "avatar", Book: "cover", Author: "photo"}


def in_use(name: str) -> bool:
    return any(
        model.objects.filter(**{field: name}).exists() for model, field in IMAGE_FIELDS.items()
    )


def delete_if_unused(name: str | None, *, keep=()) -> None:
    """Delete the files of the image stored under `name`, unless a row still points to it."""
    if name and not in_use(name):
        storage.delete_image(name, keep=keep)


def _row_deleted(sender, instance, **kwargs) -> None:
    name = getattr(instance, IMAGE_FIELDS[sender]).name
    if name:
        transaction.on_commit(lambda: delete_if_unused(name))


def connect() -> None:
    for model in IMAGE_FIELDS:
        post_delete.connect(_row_deleted, sender=model, dispatch_uid=f"media-{model.__name__}")
