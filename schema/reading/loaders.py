"""Reading loaders: list sizes and goal progress, batched."""

from django.db.models import Count

from apps.catalog.models import Book
from apps.reading.models import ReadingListItem, UserBook
from apps.reading.progress import YearRead, read_in_years
from booknest.internals.prepared import PreparedQuery
from schema.loaders import Loader


class ItemCountByReadingListIdLoader(Loader[int, int]):
    rows = PreparedQuery(
        lambda ids: (
            ReadingListItem.objects.filter(reading_list_id__in=ids)
            .values("reading_list_id")
            .annotate(n=Count("id"))
            .values_list("reading_list_id", "n")
        )
    )

    def batch_load(self, keys):
        counts = dict(self.rows(keys))
        return [counts.get(key, 0) for key in keys]


class YearReadByUserYearLoader(Loader[tuple[int, int], YearRead]):
    """Books and pages each reader finished in each year, for goal progress."""

    def batch_load(self, keys):
        found = read_in_years(list(keys))
        return [found[key] for key in keys]


class BookByUserBookIdLoader(Loader[int, Book | None]):
    """The book of each shelf entry (for journal entries)."""

    def batch_load(self, keys):
        entries = UserBook.objects.filter(pk__in=keys).select_related("book")
        books = {entry.pk: entry.book for entry in entries}
        return [books.get(key) for key in keys]
