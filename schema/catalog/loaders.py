"""Catalogue loaders: a book's contributors and genres, batched across a page of books."""

from apps.catalog.models import Author, BookAuthor, Genre
from schema.loaders import Loader, group_by


class AuthorsByBookIdLoader(Loader[int, list[Author]]):
    """A book's credited authors (role "author"), in byline order."""

    def batch_load(self, keys):
        rows = (
            BookAuthor.objects.filter(book_id__in=keys, role="author")
            .select_related("author")
            .order_by("book_id", "position", "id")
        )
        return group_by(keys, ((row.book_id, row.author) for row in rows))


class GenresByBookIdLoader(Loader[int, list[Genre]]):
    """A book's genres, by name."""

    def batch_load(self, keys):
        through = Genre.books.through.objects.filter(book_id__in=keys).select_related("genre")
        rows = sorted(through, key=lambda row: (row.book_id, row.genre.name))
        return group_by(keys, ((row.book_id, row.genre) for row in rows))
