"""Catalogue queries: one book (by global id or ISBN) and the paginated list of books."""

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry import relay
from strawberry_django.relay import DjangoCursorConnection

from apps.catalog import isbn as isbn_utils
from apps.catalog.models import Book
from schema.catalog.types import BookType
from schema.context import Info


@strawberry.type
class CatalogQuery:
    @strawberry_django.field(
        description="One book, by its global `id` or by an ISBN-10/ISBN-13 (hyphens allowed). "
        "Null when there is no such book."
    )
    async def book(
        self, info: Info, id: relay.GlobalID | None = None, isbn: str | None = None
    ) -> BookType | None:
        if id is not None:
            if id.type_name != "Book" or not id.node_id.isdigit():
                return None
            return await Book.objects.filter(pk=int(id.node_id)).afirst()
        if isbn is not None:
            _, isbn13 = isbn_utils.normalize(isbn)
            if not isbn13:
                return None
            return await Book.objects.filter(isbn13=isbn13).afirst()
        return None

    @strawberry_django.connection(
        DjangoCursorConnection[BookType],
        description="Books of the catalogue by title, paginated with cursors.",
    )
    def books(self) -> QuerySet[Book]:
        return Book.objects.order_by("title", "id")
