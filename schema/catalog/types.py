"""GraphQL types of the catalogue: Book, Author, Genre, Series."""

from decimal import Decimal

import strawberry_django
from strawberry import auto, relay

from apps.catalog import models
from schema.catalog.loaders import AuthorsByBookIdLoader, GenresByBookIdLoader
from schema.context import Info


@strawberry_django.type(models.Genre, name="Genre")
class GenreType(relay.Node):
    """A genre or subject of books."""

    name: auto = strawberry_django.field(description="Display name, e.g. “Science fiction”.")
    slug: auto = strawberry_django.field(description="URL-safe unique key, e.g. `science-fiction`.")


@strawberry_django.type(models.Author, name="Author")
class AuthorType(relay.Node):
    """A person credited on books (author, translator, illustrator, editor or narrator)."""

    name: auto = strawberry_django.field(description="Name as credited.")
    sort_name: auto = strawberry_django.field(description="Name for sorting, “Last, First”.")
    bio: auto = strawberry_django.field(description="Short biography.")
    birth_year: auto = strawberry_django.field(description="Year of birth (negative: BCE).")
    death_year: auto = strawberry_django.field(description="Year of death (negative: BCE).")


@strawberry_django.type(models.Series, name="Series")
class SeriesType(relay.Node):
    """A series of books, e.g. “The Hunger Games”."""

    name: auto = strawberry_django.field(description="Name of the series.")


@strawberry_django.type(models.Book, name="Book")
class BookType(relay.Node):
    """A book in the shared catalogue."""

    title: auto = strawberry_django.field(description="Title, without the series.")
    subtitle: auto = strawberry_django.field(description="Subtitle, or empty.")
    description: auto = strawberry_django.field(description="Publisher's or librarian's summary.")
    language: auto = strawberry_django.field(description="BCP 47 language tag, e.g. `en`.")
    pages: auto = strawberry_django.field(description="Number of pages, when known.")
    publisher: auto = strawberry_django.field(description="Publisher, when known.")
    publication_year: auto = strawberry_django.field(description="Year of this edition.")
    original_publication_year: auto = strawberry_django.field(
        description="Year of first publication (negative: BCE)."
    )
    isbn10: str = strawberry_django.field(description="ISBN-10, or empty.")
    isbn13: str = strawberry_django.field(description="ISBN-13, or empty.")
    series_position: Decimal | None = strawberry_django.field(
        description="Place in its series (1, 2, 2.5 …), when in one."
    )
    average_rating: float = strawberry_django.field(
        description="Mean of readers' ratings, 0 when unrated."
    )
    ratings_count: int = strawberry_django.field(description="Number of readers' ratings.")

    series: SeriesType | None = strawberry_django.field(description="The series, when in one.")

    @strawberry_django.field(only=["id"], description="Credited authors, in byline order.")
    async def authors(self, info: Info) -> list[AuthorType]:
        return await info.context.loaders.get(AuthorsByBookIdLoader).load(self.pk)

    @strawberry_django.field(only=["id"], description="Genres of the book.")
    async def genres(self, info: Info) -> list[GenreType]:
        return await info.context.loaders.get(GenresByBookIdLoader).load(self.pk)
