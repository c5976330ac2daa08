"""GraphQL types of search: hits with score and highlights, facets, and suggestions."""

from enum import Enum
from typing import Annotated

import strawberry
from strawberry import relay

from apps.search.models import Kind
from schema.accounts.types import UserType
from schema.catalog.types import AuthorType, BookType, GenreType
from schema.impressions.types import QuoteType
from schema.reading.types import ReadingListType


@strawberry.enum(name="SearchType", description="A kind of thing search can find.")
class SearchType(Enum):
    BOOK = strawberry.enum_value(Kind.BOOK.value, description="Books of the catalogue.")
    AUTHOR = strawberry.enum_value(Kind.AUTHOR.value, description="Authors and contributors.")
    USER = strawberry.enum_value(
        Kind.USER.value, description="Readers (private profiles only to themselves)."
    )
    LIST = strawberry.enum_value(
        Kind.LIST.value, description="Reading lists (private lists only to their owner)."
    )
    QUOTE = strawberry.enum_value(
        Kind.QUOTE.value,
        description="Quotes readers kept, by their words (as private as the quote and its "
        "reader's profile). Only searched when asked for in `types`.",
    )


# What `types` means when left out: quotes are asked for by name (a search box for books and
# people should not fill with passages quoting the words typed).
ALL_TYPES = [SearchType.BOOK, SearchType.AUTHOR, SearchType.USER, SearchType.LIST]


@strawberry.input(
    name="SearchFilter",
    description="Narrows book hits. When any filter is set, only books are searched.",
)
class SearchFilterInput:
    genres: list[str] | None = strawberry.field(
        default=None, description="Genre slugs; a book in any of them matches."
    )
    language: str | None = strawberry.field(
        default=None, description="Language tag, e.g. `en` (also matches `en-US`)."
    )
    year_from: int | None = strawberry.field(
        default=None, description="Earliest (original) publication year, inclusive."
    )
    year_to: int | None = strawberry.field(
        default=None, description="Latest (original) publication year, inclusive."
    )
    min_rating: float | None = strawberry.field(
        default=None, description="Lowest average rating, 0–5."
    )


SearchResult = Annotated[
    BookType | AuthorType | UserType | ReadingListType | QuoteType,
    strawberry.union("SearchResult", description="Something search found."),
]


@strawberry.type(name="Highlight", description="Where a hit matched, with the words marked.")
class Highlight:
    field: str = strawberry.field(
        description="Which field matched: title, subtitle, authorsAndSeries, description "
        "(books); name, bio (authors); displayName, username, bio (readers); name, "
        "description (lists); isbn (an ISBN query)."
    )
    snippet: str = strawberry.field(
        description="HTML-escaped text of the field (long texts cut to a window around the "
        "match), the matching words wrapped in <em>…</em>."
    )


@strawberry.type(name="SearchHit", description="One search result, in rank order.")
class SearchHit:
    cursor: str = strawberry.field(description="Pass as `after` to get the hits after this one.")
    score: float = strawberry.field(
        description="Relevance (higher is better); comparable within one search only."
    )
    highlights: list[Highlight] = strawberry.field(description="Where the hit matched.")
    node: SearchResult = strawberry.field(description="The book, author, reader, list or quote.")


@strawberry.type(name="GenreFacet", description="How many matching books are in a genre.")
class GenreFacet:
    genre: GenreType = strawberry.field(description="The genre.")
    count: int = strawberry.field(description="Matching books in it.")


@strawberry.type(name="DecadeFacet", description="How many matching books are from a decade.")
class DecadeFacet:
    decade: int = strawberry.field(description="First year of the decade, e.g. 1990.")
    count: int = strawberry.field(description="Matching books first published in it.")


@strawberry.type(
    name="SearchFacets",
    description="Counts over the matching books (the filters applied), to refine a search.",
)
class SearchFacets:
    genres: list[GenreFacet] = strawberry.field(description="By genre, largest first (≤ 50).")
    decades: list[DecadeFacet] = strawberry.field(description="By decade, oldest first.")


@strawberry.type(
    name="SearchConnection",
    description="Ranked hits, paged with cursors within the first 1,000 hits.",
)
class SearchConnection:
    edges: list[SearchHit] = strawberry.field(description="This page's hits, best first.")
    page_info: relay.PageInfo = strawberry.field(description="Cursors to page on.")
    total_count: int = strawberry.field(
        description="How many hits there are (counted up to 1,000)."
    )
    facets: SearchFacets | None = strawberry.field(
        description="Genre and decade counts over the matching books; null unless BOOK is searched."
    )


@strawberry.type(name="Suggestion", description="A completion for the search box.")
class Suggestion:
    text: str = strawberry.field(description="What to show: a title or a name.")
    type: SearchType = strawberry.field(description="What kind of thing it is.")
    node: SearchResult = strawberry.field(description="The thing itself.")
