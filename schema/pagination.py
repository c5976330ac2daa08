"""Cursor connections with a default page: a connection asked for without `first` or `last`
gives its first `GRAPHQL_MAX_PAGE_SIZE` items (100), never the whole table.

strawberry-django's `DjangoCursorConnection` slices only when `first` or `last` is given; a
client that leaves both out would read every row of `books`. Its type keeps the GraphQL name
`<Node>CursorConnection`.
"""

from typing import Any

import strawberry
from django.conf import settings
from strawberry import relay
from strawberry_django.relay import DjangoCursorConnection


@strawberry.type(name="CursorConnection", description="A connection to a list of items.")
class CursorConnection(DjangoCursorConnection[relay.NodeType]):
    @classmethod
    def resolve_connection(
        cls,
        nodes,
        *,
        info,
        before: str | None = None,
        after: str | None = None,
        first: int | None = None,
        last: int | None = None,
        max_results: int | None = None,
        **kwargs: Any,
    ):
        if first is None and last is None:
            # Paging backwards from `before` gives the last page before it, else the first page.
            if before is not None and after is None:
                last = settings.GRAPHQL_MAX_PAGE_SIZE
            else:
                first = settings.GRAPHQL_MAX_PAGE_SIZE
        return super().resolve_connection(
            nodes,
            info=info,
            before=before,
            after=after,
            first=first,
            last=last,
            max_results=max_results,
            **kwargs,
        )
