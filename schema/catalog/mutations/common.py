"""What the catalogue mutations share: global ids to database ids, and the librarian rule."""

import strawberry
from strawberry import relay

from schema.errors import decode_id

LIBRARIANS_ONLY = (
    "Librarians only (staff, or the `catalog.librarian` permission): anonymous callers get an "
    "UNAUTHENTICATED error, other readers NOT_ALLOWED."
)
ERRORS = "Expected failures; empty on success."


def arg(description: str):
    return strawberry.argument(description=description)


def decode_ids(global_ids: list[relay.GlobalID] | None, type_name: str, field: str) -> list[int]:
    return [decode_id(global_id, type_name, field=field) for global_id in global_ids or []]
