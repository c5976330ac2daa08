"""Loaders search hits are hydrated through, for the types no other domain loads by id yet."""

from apps.catalog.models import Author
from apps.reading.models import ReadingList
from schema.loaders import Loader


class AuthorByIdLoader(Loader[int, Author | None]):
    def batch_load(self, keys):
        authors = Author.objects.in_bulk(keys)
        return [authors.get(key) for key in keys]


class ReadingListByIdLoader(Loader[int, ReadingList | None]):
    def batch_load(self, keys):
        lists = ReadingList.objects.in_bulk(keys)
        return [lists.get(key) for key in keys]
