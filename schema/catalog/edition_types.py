"""GraphQL type of an edition (one published form of a book), and the filter of a book's list."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from strawberry import relay

from apps.catalog import models
from schema.catalog.loaders import BookByIdLoader
from schema.compiled.forms import Rows, sql
from schema.context import Info
from schema.enums import BookFormatEnum
from schema.fields import PkId, model_field
from schema.media.fields import cover_url

if TYPE_CHECKING:
    from schema.catalog.types import BookType

BookTypeRef = Annotated["BookType", strawberry.lazy("schema.catalog.types")]


@strawberry.input(description="Which editions of a book to list; every filter given must match.")
class EditionFilter:
    format: BookFormatEnum | None = strawberry.field(
        default=None, description="Only editions of this format (hardcover, e-book …)."
    )
    language: str | None = strawberry.field(
        default=None,
        description="A BCP 47 language tag, case-insensitive; `en` also matches `en-US` …",
    )


@strawberry_django.type(models.Edition, name="Edition")
class EditionType(PkId, relay.Node):
    """One published form of a book (the work): a hardcover, a paperback, an e-book, an
    audiobook, a translation … each with its own ISBNs, publisher, pages and cover."""

    is_default: bool = model_field(
        description="Whether this is the book's default edition (shown when a reader chose none)."
    )
    isbn10: str = model_field(description="ISBN-10, or empty.")
    isbn13: str = model_field(description="ISBN-13, or empty.")
    format: BookFormatEnum = model_field(description="Hardcover, paperback, e-book, audiobook …")
    title: str = model_field(description="Title as printed on this edition.")
    subtitle: str = model_field(description="Subtitle as printed, or empty.")
    language: str = model_field(description="BCP 47 language tag of this edition, e.g. `es`.")
    publisher: str = model_field(description="Publisher, or empty.")
    publication_year: int | None = model_field(
        description="Year this edition was published (negative: BCE)."
    )
    published_date: date | None = model_field(
        description="Day this edition was published, when known."
    )
    pages: int | None = model_field(description="Number of pages, when known.")
    duration_minutes: int | None = model_field(
        description="Running time of an audiobook in minutes, when known."
    )
    openlibrary_id: str = model_field(description="Open Library edition key, or empty.")
    created_at: datetime = model_field(description="When the edition was added.")
    cover_url: str | None = cover_url()

    @sql(Rows(lambda row, viewer: models.Book.objects.filter(pk=row.book_id)))
    @strawberry_django.field(description="The book (the work) this is an edition of.")
    async def book(self, info: Info) -> BookTypeRef:
        return await info.context.loaders.get(BookByIdLoader).load(self.book_id)
