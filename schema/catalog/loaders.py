"""Catalogue loaders: books, contributors, genres, series and rating summaries, batched."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, F

from apps.catalog.models import Book, BookAuthor, Genre, Series
from apps.catalog.services_common import can_edit_catalog
from apps.reading.models import RATING_VALUES, Rating, UserBook
from schema.loaders import Loader, group_by


class BookByIdLoader(Loader[int, Book | None]):
    def batch_load(self, keys):
        books = Book.objects.in_bulk(keys)
        return [books.get(key) for key in keys]


class SeriesByIdLoader(Loader[int, Series | None]):
    def batch_load(self, keys):
        series = Series.objects.in_bulk(keys)
        return [series.get(key) for key in keys]


class ContributionsByBookIdLoader(Loader[int, list[BookAuthor]]):
    """Every credited contributor of a book (all roles), in byline order."""

    def batch_load(self, keys):
        rows = (
            BookAuthor.objects.filter(book_id__in=keys)
            .select_related("author")
            .order_by("book_id", "position", "id")
        )
        return group_by(keys, ((row.book_id, row) for row in rows))


class GenresByBookIdLoader(Loader[int, list[Genre]]):
    """A book's genres, by name."""

    def batch_load(self, keys):
        through = Genre.books.through.objects.filter(book_id__in=keys).select_related("genre")
        rows = sorted(through, key=lambda row: (row.book_id, row.genre.name))
        return group_by(keys, ((row.book_id, row.genre) for row in rows))


class RatingHistogramByBookIdLoader(Loader[int, dict[Decimal, int]]):
    """How many ratings of each value (0.5 … 5) each book has."""

    def batch_load(self, keys):
        histograms: dict[int, dict[Decimal, int]] = defaultdict(dict)
        rows = (
            Rating.objects.filter(book_id__in=keys)
            .values("book_id", "value")
            .annotate(n=Count("id"))
            .values_list("book_id", "value", "n")
        )
        for book_id, value, n in rows:
            histograms[book_id][Decimal(value)] = n
        return [{v: histograms[key].get(v, 0) for v in RATING_VALUES} for key in keys]


class ViewerRatingByBookIdLoader(Loader[int, Rating | None]):
    """The viewer's own rating of each book (None when anonymous or unrated)."""

    def batch_load(self, keys):
        viewer_id = self.context.viewer_id
        if viewer_id is None:
            return [None] * len(keys)
        ratings = {r.book_id: r for r in Rating.objects.filter(user_id=viewer_id, book_id__in=keys)}
        return [ratings.get(key) for key in keys]


class ViewerUserBookByBookIdLoader(Loader[int, UserBook | None]):
    """The viewer's shelf entry for each book (None when anonymous or not shelved)."""

    def batch_load(self, keys):
        viewer_id = self.context.viewer_id
        if viewer_id is None:
            return [None] * len(keys)
        entries = {
            e.book_id: e for e in UserBook.objects.filter(user_id=viewer_id, book_id__in=keys)
        }
        return [entries.get(key) for key in keys]


class GenreByIdLoader(Loader[int, Genre | None]):
    def batch_load(self, keys):
        genres = Genre.objects.in_bulk(keys)
        return [genres.get(key) for key in keys]


class ChildGenresByGenreIdLoader(Loader[int, list[Genre]]):
    """The genres directly below each genre, by name."""

    def batch_load(self, keys):
        rows = Genre.objects.filter(parent_id__in=keys).order_by("name", "id")
        return group_by(keys, ((row.parent_id, row) for row in rows))


class BooksBySeriesIdLoader(Loader[int, list[Book]]):
    """Each series' books in reading order (place, then year, then id)."""

    def batch_load(self, keys):
        rows = Book.objects.filter(series_id__in=keys).order_by(
            F("series_position").asc(nulls_last=True),
            F("original_publication_year").asc(nulls_last=True),
            "id",
        )
        return group_by(keys, ((row.series_id, row) for row in rows))


class ViewerCanEditCatalogLoader(Loader[str, bool]):
    """Whether the viewer may edit the catalogue (one permission lookup per request)."""

    def batch_load(self, keys):
        return [can_edit_catalog(self.context.user)] * len(keys)
