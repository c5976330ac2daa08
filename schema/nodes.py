"""`node(id:)` and `nodes(ids:)`: any object by its global id, absent (null) when it cannot be had.

Strawberry's own resolvers fail the whole field when one id is unknown (a KeyError inside
strawberry-django for `nodes`), or crash on an id whose key is not a number. Here every id that
is malformed, names no type, has a non-numeric key, does not exist or is hidden from the viewer
gives null in its place — the same answer in each case, so nobody learns whether a hidden object
exists (README: privacy). Types resolve their own ids (`resolve_nodes`): a merged book's id gives
the book it was merged into.
"""

import asyncio
import inspect
from collections import defaultdict
from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.relay.types import GlobalIDValueError
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.lazy_type import LazyType

from schema.context import Info


def _node_type(info: Info, raw: str) -> tuple[type[relay.Node], str] | None:
    """(the Node type, the numeric key) a global id names, or None."""
    try:
        global_id = relay.GlobalID.from_id(raw)
    except GlobalIDValueError:
        return None
    key = str(global_id.node_id)
    if not key.isdigit() or len(key) > 18:  # bigint keys only
        return None
    definition = info.schema.get_type_by_name(global_id.type_name)
    if not isinstance(definition, StrawberryObjectDefinition):
        return None
    origin = definition.origin
    if isinstance(origin, LazyType):
        origin = origin.resolve_type()
    if not (isinstance(origin, type) and issubclass(origin, relay.Node)):
        return None
    return origin, key


async def resolve_global_ids(info: Info, ids: list[str]) -> list[Any]:
    """The objects of `ids`, in order, each None when absent for the viewer."""
    wanted: dict[type[relay.Node], list[str]] = defaultdict(list)
    named = [_node_type(info, raw) for raw in ids]
    for entry in named:
        if entry is not None and entry[1] not in wanted[entry[0]]:
            wanted[entry[0]].append(entry[1])

    async def resolve(node_type: type[relay.Node], keys: list[str]) -> dict[str, Any]:
        found = node_type.resolve_nodes(info=info, node_ids=keys, required=False)
        if inspect.isawaitable(found):
            found = await found
        elif inspect.isasyncgen(found):
            found = [node async for node in found]
        objects = {}
        for key, node in zip(keys, list(found), strict=True):
            if node is not None:
                # Tell GraphQL the type, so that is_type_of does not guess among several.
                objects[key] = strawberry.cast(node_type, node)
        return objects

    types = list(wanted)
    results = await asyncio.gather(*(resolve(t, wanted[t]) for t in types))
    by_type = dict(zip(types, results, strict=True))
    return [by_type[entry[0]].get(entry[1]) if entry else None for entry in named]


@strawberry.type
class NodeQuery:
    @strawberry.field(
        description="Any object, by its global id; null when there is none the viewer may see."
    )
    async def node(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The ID of the object.")],
    ) -> relay.Node | None:
        return (await resolve_global_ids(info, [id]))[0]

    @strawberry.field(
        description="Several objects, by their global ids, in the same order; null in place of each "
        "id there is no object for that the viewer may see."
    )
    async def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID], strawberry.argument(description="The IDs of the objects.")
        ],
    ) -> list[relay.Node | None]:
        return await resolve_global_ids(info, ids)
