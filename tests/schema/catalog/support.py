"""Helpers for the catalogue's GraphQL tests: global ids and walking every page of a list."""

from strawberry.relay import to_base64


def gid(obj, type_name: str | None = None) -> str:
    """The global id of a model instance (or of `type_name` and an id), as a client sees it."""
    if type_name is not None:
        return to_base64(type_name, obj)
    return to_base64(type(obj).__name__, obj.pk)


def walk(gql, query: str, variables: dict, field: str, *, page_size: int) -> list[dict]:
    """Every node of a connection, following `endCursor` page by page; checks page sizes."""
    nodes, after = [], None
    while True:
        result = gql(query, {**variables, "first": page_size, "after": after})
        assert "errors" not in result, result
        page = result["data"][field]
        nodes += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            assert len(page["edges"]) <= page_size
            return nodes
        assert len(page["edges"]) == page_size
        after = page["pageInfo"]["endCursor"]


def walk_back(gql, query: str, variables: dict, field: str, *, page_size: int) -> list[dict]:
    """Every node, from the end backwards with `last`/`before`, returned in list order."""
    pages, before = [], None
    while True:
        result = gql(query, {**variables, "last": page_size, "before": before})
        assert "errors" not in result, result
        page = result["data"][field]
        pages.insert(0, [edge["node"] for edge in page["edges"]])
        if not page["pageInfo"]["hasPreviousPage"]:
            return [node for chunk in pages for node in chunk]
        before = page["pageInfo"]["startCursor"]
