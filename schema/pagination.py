"""Cursor connections: a default page, and one trip to the database thread per connection.

- A connection asked for without `first` or `last` gives its first `GRAPHQL_MAX_PAGE_SIZE` items
  (100), never the whole table: strawberry-django's `DjangoCursorConnection` slices only when
  `first` or `last` is given, so a client that leaves both out would read every row of `books`.
- Under ASGI, strawberry-django reads the page in one `sync_to_async` hop and `totalCount` in
  another. Here the page, and the count when the operation selects `totalCount`, are read in
  the same hop, and that hop is the loaders' own when loader batches are due at the same time
  (`schema.loaders.ThreadWork`): each hop is a thread switch (about a quarter of a millisecond
  of CPU here).
- A connection under a list (each of a page's 20 reviews with `comments(first: 3)`) reads the
  first pages of all its parents in one statement when its resolver marks its queryset with
  `partitioned(queryset, "<foreign key>", parent_pk)`: a window (`row_number()` per parent) over
  the parents' rows, the rules applied once (`PageByPartitionLoader`). Pages after a cursor,
  and backwards, are read per parent as before. Such a resolver is an `async def` that does not
  await (a plain `def` runs in a worker thread per parent, and the parents then reach the loader
  in different turns of the event loop: several batches where one would do).
Its type keeps the GraphQL name `<Node>CursorConnection`.
"""

from collections import defaultdict
from typing import Any

import strawberry
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db.models import QuerySet
from django.db.models.expressions import Col
from django.db.models.lookups import Exact, In
from graphql import GraphQLError
from strawberry import relay
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField
from strawberry.utils.inspect import in_async_context
from strawberry_django.pagination import get_cached_total_count, get_total_count
from strawberry_django.queryset import get_queryset_config
from strawberry_django.relay import DjangoCursorConnection
from strawberry_django.relay.cursor_connection import apply_cursor_pagination
from strawberry_django.resolvers import django_resolver

from schema.loaders import Loader, Loaders, ThreadWork

PARTITION = "booknest_partition"


def partitioned(queryset: QuerySet, field: str, value: Any) -> QuerySet:
    """`queryset.filter(<field>=value)`, marked as one parent's part of a connection that lists
    the rows of many parents (`field`: the foreign key's attname, e.g. `review_id`): on the
    resolver path the first pages of all the parents are read in one statement."""
    rows = queryset.filter(**{field: value})
    rows._hints = {**rows._hints, PARTITION: (field, value)}
    return rows


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
        for name, size in (("first", first), ("last", last)):
            # strawberry-django checks this only for `first` or `last` alone: with both, a
            # negative `last` reached Django's slicing as an internal error.
            if size is not None and size < 0:
                raise GraphQLError(
                    f"Argument '{name}' must be a non-negative integer.",
                    extensions={"code": "INVALID"},
                )
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
        loaders = getattr(info.context, "loaders", None)
        partition = getattr(nodes, "_hints", {}).get(PARTITION)
        first_page = before is None and after is None and last is None and first is not None
        if partition and isinstance(loaders, Loaders) and first_page:
            return cls._partition_page(nodes, partition, arguments, loaders)
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

        if isinstance(loaders, Loaders):  # with the loader batches due now, in one hop
            return loaders.get(ThreadWork).run(page_and_count)
        return sync_to_async(page_and_count)()

    @classmethod
    async def _partition_page(cls, nodes, partition, arguments: dict, loaders: Loaders):
        """This parent's first page, read with the other parents' (`PageByPartitionLoader`)."""
        info, first = arguments["info"], arguments["first"]
        field, value = partition
        group = (
            tuple(p for p in info.path.as_list() if not isinstance(p, int)),
            nodes.model._meta.label,
            field,
            first,
        )
        loader = loaders.get(PageByPartitionLoader)
        loader.pending[(group, value)] = (nodes, info)
        page, rows, descriptors = await loader.load((group, value))
        if page is None:  # not batchable: this parent alone
            return await sync_to_async(super().resolve_connection)(nodes, **arguments)
        own = page._chain()
        own._result_cache = rows
        own._prefetch_done = True
        config = get_queryset_config(own)
        config.optimized_by_prefetching = True
        config.ordering_descriptors = descriptors
        connection = super().resolve_connection(own, **arguments)
        connection.counted = rows[0]._strawberry_total_count if rows else 0
        return connection


def _widened(queryset: QuerySet, field: str, value: Any, values: list) -> QuerySet | None:
    """`queryset` with its `<field> = value` condition made `<field> IN values` (None: no such
    condition at the top of its WHERE clause)."""
    widened = queryset._chain()
    children = widened.query.where.children
    for index, child in enumerate(children):
        if (
            isinstance(child, Exact)
            and isinstance(child.lhs, Col)
            and child.lhs.target.attname == field
            and child.rhs == value
        ):
            children[index] = In(child.lhs, values)
            return widened
    return None


class PageByPartitionLoader(Loader[tuple, tuple]):
    """First pages of one connection field under many parents, one statement per field: the
    parents' rows numbered per parent (`row_number() OVER (PARTITION BY <field> …)`, with the
    count of each parent's rows for `totalCount`), the node type's rules applied once."""

    def __init__(self, context: Any) -> None:
        super().__init__(context)
        self.pending: dict[tuple, tuple[QuerySet, Any]] = {}

    def batch_load(self, keys):
        groups: dict[tuple, list] = defaultdict(list)
        for key in keys:
            groups[key[0]].append(key)
        found = {}
        for (_, _, field, first), members in groups.items():
            nodes, info = self.pending[members[0]]
            values = [value for _, value in members]
            combined = _widened(nodes, field, members[0][1], values)
            if combined is None:
                found.update({key: (None, None, None) for key in members})
                continue
            page, descriptors = apply_cursor_pagination(
                combined,
                related_field_id=field,
                info=info,
                before=None,
                after=None,
                first=first,
                last=None,
                max_results=None,
            )
            rows: dict[Any, list] = {value: [] for value in values}
            for row in page:
                rows.setdefault(getattr(row, field), []).append(row)
            found.update({key: (page, rows[key[1]], descriptors) for key in members})
        for key in keys:
            self.pending.pop(key, None)
        return [found[key] for key in keys]
