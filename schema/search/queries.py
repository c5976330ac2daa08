"""Search queries: ranked `search` with highlights and facets, and `suggest` for the search box.

Hits come from the search engine as (type, id) pairs in rank order and are hydrated through
the per-request loaders, so a page costs one query per type however long it is. Cursors are
offsets within the ranked result window (the first 1,000 hits): results are ranked, not sorted
on a column, so a keyset cursor has nothing stable to hold on to.
"""

import asyncio
import base64
from typing import Annotated

import strawberry
from asgiref.sync import sync_to_async
from strawberry import relay

from apps.core.errors import ServiceError
from apps.search import services
from apps.search.backends.base import SearchFilter
from apps.search.models import Kind
from schema.accounts.loaders import UserByIdLoader
from schema.catalog.loaders import AuthorByIdLoader, BookByIdLoader, GenreByIdLoader
from schema.catalog.queries import invalid, refused
from schema.context import Info
from schema.search.loaders import QuoteByIdLoader, ReadingListByIdLoader
from schema.search.types import (
    ALL_TYPES,
    DecadeFacet,
    GenreFacet,
    Highlight,
    SearchConnection,
    SearchFacets,
    SearchFilterInput,
    SearchHit,
    SearchType,
    Suggestion,
)

LOADERS = {
    Kind.BOOK: BookByIdLoader,
    Kind.AUTHOR: AuthorByIdLoader,
    Kind.USER: UserByIdLoader,
    Kind.LIST: ReadingListByIdLoader,
    Kind.QUOTE: QuoteByIdLoader,
}
_CURSOR_PREFIX = "search:"


def arg(description: str):
    return strawberry.argument(description=description)


def encode_cursor(offset: int) -> str:
    return base64.b64encode(f"{_CURSOR_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
    except ValueError:
        text = ""
    offset = text.removeprefix(_CURSOR_PREFIX)
    if not text.startswith(_CURSOR_PREFIX) or not offset.isdigit():
        raise invalid("`after` is not a cursor of this search.", "after")
    return int(offset) + 1


def _selects(selections, name: str) -> bool:
    for selection in selections:
        if getattr(selection, "name", None) == name:
            return True
        if _selects(getattr(selection, "selections", None) or [], name):
            return True
    return False


async def _hydrate(info: Info, pairs: list[tuple[str, int]]) -> list:
    loaders = info.context.loaders
    return await asyncio.gather(*(loaders.get(LOADERS[Kind(k)]).load(i) for k, i in pairs))


def _filters(value: SearchFilterInput | None) -> SearchFilter:
    if value is None:
        return SearchFilter()
    return SearchFilter(
        genres=tuple(value.genres or ()),
        language=value.language,
        year_from=value.year_from,
        year_to=value.year_to,
        min_rating=value.min_rating,
    )


@strawberry.type
class SearchQuery:
    @strawberry.field(
        description="Books, authors, readers and reading lists matching `query`, best first: "
        "typos are tolerated, an ISBN-10/13 gives that book first, and popular books rank "
        "ahead of obscure ones with the same match. Private profiles and lists are found "
        "by their owner only. An empty, blank or over-long (> 200 characters) query is an "
        "INVALID error."
    )
    async def search(
        self,
        info: Info,
        query: Annotated[str, arg("What to look for, as a reader would type it.")],
        types: Annotated[
            list[SearchType], arg("Which kinds of things to search; all by default.")
        ] = ALL_TYPES,
        filter: Annotated[
            SearchFilterInput | None, arg("Book filters; when set, only books are searched.")
        ] = None,
        first: Annotated[int, arg("How many hits (at most 100).")] = 20,
        after: Annotated[str | None, arg("The cursor of the last hit already shown.")] = None,
    ) -> SearchConnection:
        offset = decode_cursor(after)
        want_facets = _selects(info.selected_fields, "facets")
        kinds = [Kind(t.value) for t in types]
        try:
            page = await sync_to_async(services.search)(
                query,
                kinds,
                _filters(filter),
                first=first,
                after=offset,
                viewer_id=info.context.viewer_id,
                facets=want_facets,
            )
        except ServiceError as exc:
            raise refused(exc) from None  # fields as spelled: "query", "filter.yearTo", …
        nodes = await _hydrate(info, [(hit.kind, hit.id) for hit in page.hits])
        edges = [
            SearchHit(
                cursor=encode_cursor(offset + n),
                score=hit.score,
                highlights=[Highlight(field=f, snippet=s) for f, s in hit.highlights],
                node=node,
            )
            for n, (hit, node) in enumerate(zip(page.hits, nodes, strict=True))
            # A hit deleted since it was indexed is left out rather than shown as null.
            if node is not None
        ]
        facets = None
        if page.facets is not None and Kind.BOOK in kinds:
            genres = await asyncio.gather(
                *(info.context.loaders.get(GenreByIdLoader).load(g) for g, _ in page.facets.genres)
            )
            facets = SearchFacets(
                genres=[
                    GenreFacet(genre=genre, count=count)
                    for genre, (_, count) in zip(genres, page.facets.genres, strict=True)
                    if genre is not None
                ],
                decades=[DecadeFacet(decade=d, count=c) for d, c in page.facets.decades],
            )
        end = offset + len(page.hits)
        return SearchConnection(
            edges=edges,
            page_info=relay.PageInfo(
                has_next_page=end < page.total,
                has_previous_page=offset > 0,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=page.total,
            facets=facets,
        )

    @strawberry.field(
        description="Completions for a search box from the first two characters: titles and "
        "names whose words start with what was typed (with some tolerance for typos from "
        "three characters on), best known first. Fewer than two letters give an empty list."
    )
    async def suggest(
        self,
        info: Info,
        prefix: Annotated[str, arg("What the reader has typed so far.")],
        types: Annotated[
            list[SearchType], arg("Which kinds of things to suggest; all by default.")
        ] = ALL_TYPES,
        limit: Annotated[int, arg("How many suggestions (1–20).")] = 8,
    ) -> list[Suggestion]:
        try:
            found = await sync_to_async(services.suggest)(
                prefix,
                [Kind(t.value) for t in types],
                limit=limit,
                viewer_id=info.context.viewer_id,
            )
        except ServiceError as exc:
            raise refused(exc) from None
        nodes = await _hydrate(info, [(s.kind, s.id) for s in found])
        return [
            Suggestion(text=s.text, type=SearchType(s.kind), node=node)
            for s, node in zip(found, nodes, strict=True)
            if node is not None
        ]
