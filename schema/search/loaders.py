"""Loaders search hits are hydrated through, for the types no other domain loads by id yet."""

from apps.impressions.models import Quote
from apps.reading.models import ReadingList
from booknest.internals.prepared import PreparedById
from schema.loaders import ByIdLoader


class ReadingListByIdLoader(ByIdLoader[ReadingList]):
    rows = PreparedById(ReadingList)


class QuoteByIdLoader(ByIdLoader[Quote]):
    rows = PreparedById(Quote)
