"""Lending loaders."""

from apps.lending.models import BookCopy
from schema.loaders import Loader


class BookCopyByIdLoader(Loader[int, BookCopy | None]):
    def batch_load(self, keys):
        copies = BookCopy.objects.in_bulk(keys)
        return [copies.get(key) for key in keys]
