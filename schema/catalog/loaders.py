"""Catalogue loaders: books, contributors, genres, series and rating summaries, batched."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count

from apps.catalog.models import Author, Book, BookAuthor, Edition, Genre, Series
from apps.catalog.selectors import AUTHORS_BY_ID, BOOKS_BY_ID, SERIES_ORDER
from apps.catalog.services_common import can_edit_catalog
from apps.reading.models import RATING_VALUES, Rating, UserBook
from booknest.internals.prepared import PreparedById, PreparedQuery
from schema.loaders import ByIdLoader, Loader, group_by


class BookByIdLoader(ByIdLoader[Book]):
    rows = BOOKS_BY_ID


class AuthorByIdLoader(ByIdLoader[Author]):
    rows = AUTHORS_BY_ID


class SeriesByIdLoader(ByIdLoader[Series]):
    rows = PreparedById(Series)


class ContributionsByBookIdLoader(Loader[int, list[BookAuthor]]):
    """Every credited contributor of a book (all roles), in byline order."""

    rows = PreparedQuery(
        lambda ids: (
            BookAuthor.objects.filter(book_id__in=ids)
            .select_related("author")
            .order_by("book_id", "position", "id")
        )
    )

    def batch_load(self, keys):
        return group_by(keys, ((row.book_id, row) for row in self.rows(keys)))


class GenresByBookIdLoader(Loader[int, list[Genre]]):
    """A book's genres, by name."""

    rows = PreparedQuery(
        lambda ids: Genre.books.through.objects.filter(book_id__in=ids).select_related("genre")
    )

    def batch_load(self, keys):
        rows = sorted(self.rows(keys), key=lambda row: (row.book_id, row.genre.name))
        return group_by(keys, ((row.book_id, row.genre) for row in rows))


class RatingHistogramByBookIdLoader(Loader[int, dict[Decimal, int]]):
    """How many ratings of each value (0.5 … 5) each book has."""

    rows = PreparedQuery(
        lambda ids: (
            Rating.objects.filter(book_id__in=ids)
            .values("book_id", "value")
            .annotate(n=Count("id"))
            .values_list("book_id", "value", "n")
        )
    )

    def batch_load(self, keys):
        histograms: dict[int, dict[Decimal, int]] = defaultdict(dict)
        for book_id, value, n in self.rows(keys):
            histograms[book_id][Decimal(value)] = n
        return [{v: histograms[key].get(v, 0) for v in RATING_VALUES} for key in keys]


class ViewerRatingByBookIdLoader(Loader[int, Rating | None]):
    """The viewer's own rating of each book (None when anonymous or unrated)."""

    rows = PreparedQuery(lambda ids, viewer: Rating.objects.filter(user_id=viewer, book_id__in=ids))

    def batch_load(self, keys):
        viewer_id = self.context.viewer_id
        if viewer_id is None:
            return [None] * len(keys)
        ratings = {r.book_id: r for r in self.rows(keys, viewer_id)}
        return [ratings.get(key) for key in keys]


class ViewerUserBookByBookIdLoader(Loader[int, UserBook | None]):
    """The viewer's shelf entry for each book (None when anonymous or not shelved)."""

    rows = PreparedQuery(
        lambda ids, viewer: UserBook.objects.filter(user_id=viewer, book_id__in=ids)
    )

    def batch_load(self, keys):
        viewer_id = self.context.viewer_id
        if viewer_id is None:
            return [None] * len(keys)
        entries = {e.book_id: e for e in self.rows(keys, viewer_id)}
        return [entries.get(key) for key in keys]


class GenreByIdLoader(ByIdLoader[Genre]):
    rows = PreparedById(Genre)


class ChildGenresByGenreIdLoader(Loader[int, list[Genre]]):
    """The genres directly below each genre, by name."""

    rows = PreparedQuery(lambda ids: Genre.objects.filter(parent_id__in=ids).order_by("name", "id"))

    def batch_load(self, keys):
        return group_by(keys, ((row.parent_id, row) for row in self.rows(keys)))


class BooksBySeriesIdLoader(Loader[int, list[Book]]):
    """Each series' books in reading order (place, then year, then id)."""

    rows = PreparedQuery(lambda ids: Book.objects.filter(series_id__in=ids).order_by(*SERIES_ORDER))

    def batch_load(self, keys):
        return group_by(keys, ((row.series_id, row) for row in self.rows(keys)))


class ViewerCanEditCatalogLoader(Loader[str, bool]):
    """Whether the viewer may edit the catalogue (one permission lookup per request)."""

    def batch_load(self, keys):
        return [can_edit_catalog(self.context.user)] * len(keys)


class DefaultEditionByBookIdLoader(Loader[int, Edition | None]):
    """Each book's default edition (None for a book without editions)."""

    rows = PreparedQuery(lambda ids: Edition.objects.filter(book_id__in=ids, is_default=True))

    def batch_load(self, keys):
        found = {row.book_id: row for row in self.rows(keys)}
        return [found.get(key) for key in keys]


class EditionByIdLoader(ByIdLoader[Edition]):
    rows = PreparedById(Edition)
