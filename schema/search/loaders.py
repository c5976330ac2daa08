"""Loaders search hits are hydrated through, for the types no other domain loads by id yet."""

from apps.catalog.models import Author
from apps.catalog.selectors import AUTHORS_BY_ID
from apps.core.prepared import PreparedById
from apps.reading.models import ReadingList
from schema.loaders import ByIdLoader


class AuthorByIdLoader(ByIdLoader[Author]):
    rows = AUTHORS_BY_ID


class ReadingListByIdLoader(ByIdLoader[ReadingList]):
    rows = PreparedById(ReadingList)
