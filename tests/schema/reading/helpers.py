"""Small helpers for the reading API tests: global ids and payload checks."""

from strawberry.relay import to_base64


def gid(obj_or_type, pk=None) -> str:
    """The global id of a model instance (by its class name, as the API names its types)."""
    if pk is None:
        return to_base64(type(obj_or_type).__name__, obj_or_type.pk)
    return to_base64(obj_or_type, pk)


def payload(result: dict, name: str) -> dict:
    """The mutation's payload, asserting there was no top-level error."""
    assert "errors" not in result, result
    return result["data"][name]


def error_codes(result: dict, name: str) -> list[tuple[str, str | None]]:
    """(code, field) of each payload error."""
    return [(e["code"], e["field"]) for e in payload(result, name)["errors"]]


def top_level_code(result: dict) -> str:
    """The code of the first top-level error (e.g. UNAUTHENTICATED)."""
    return result["errors"][0]["extensions"]["code"]
