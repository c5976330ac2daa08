"""Cursor connections: a default page, and one trip to the database thread per connection.

- A connection asked for without `first` or `last` gives its first `GRAPHQL_MAX_PAGE_SIZE` items
  (100), never the whole table: strawberry-django's `DjangoCursorConnection` slices only when
  `first` or `last` is given, so a client that leaves both out would read every row of `books`.
- Under ASGI, strawberry-django reads the page in one `sync_to_async` hop and `totalCount` in
  another. Here the page, and the count when the operation selects `totalCount`, are read in
  the same hop, and that hop is the loaders' own when loader batches are due at the same time
  (`schema.loaders.ThreadWork`): each hop is a thread switch (about a quarter of a millisecond
  of CPU here).
Its type keeps the GraphQL name `<Node>CursorConnection`.
"""

from typing import Any

import strawberry
from asgiref.sync import sync_to_async
from django.conf import settings
from strawberry import relay
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField
from strawberry.utils.inspect import in_async_context
from strawberry_django.pagination import get_cached_total_count, get_total_count
from strawberry_django.relay import DjangoCursorConnection
from strawberry_django.resolvers import django_resolver

from schema.loaders import Loaders, ThreadWork


def _flatten(selections: list) -> list[SelectedField]:
    """The fields among these selections, those of fragments included (first level only)."""
    fields: list[SelectedField] = []
    for selection in selections:
        if isinstance(selection, FragmentSpread | InlineFragment):
            fields.extend(_flatten(selection.selections))
        elif isinstance(selection, SelectedField):
            fields.append(selection)
    return fields


@strawberry.type(name="CursorConnection", description="A connection to a list of items.")
class CursorConnection(DjangoCursorConnection[relay.NodeType]):
    counted: strawberry.Private[int | None] = None  # totalCount, read with the page

    @strawberry.field(description="Total quantity of existing nodes.")
    def total_count(self) -> int:
        if self.counted is not None:
            return self.counted
        assert self.total_count_qs is not None
        counted = get_cached_total_count(self.total_count_qs)
        if counted is None:  # a query: in a thread under ASGI
            counted = django_resolver(get_total_count)(self.total_count_qs)
        return counted

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
        arguments = {
            "info": info,
            "before": before,
            "after": after,
            "first": first,
            "last": last,
            "max_results": max_results,
            **kwargs,
        }
        if not in_async_context():
            return super().resolve_connection(nodes, **arguments)
        count = any(
            f.name == "totalCount"
            for field in info.selected_fields
            for f in _flatten(field.selections)
        )

        def page_and_count():
            # No event loop in this thread: strawberry-django reads the page right here.
            connection = super(CursorConnection, cls).resolve_connection(nodes, **arguments)
            if count and connection.total_count_qs is not None:
                connection.counted = get_total_count(connection.total_count_qs)
            return connection

        loaders = getattr(info.context, "loaders", None)
        if isinstance(loaders, Loaders):  # with the loader batches due now, in one hop
            return loaders.get(ThreadWork).run(page_and_count)
        return sync_to_async(page_and_count)()
