"""Expected failures in mutation payloads: `errors: [MutationError!]!` with a code and a field.

Mutations call domain services through `run`, which turns a `ServiceError` into payload
errors. Field names are given as the client spelled them (camelCase input names).
"""

from collections.abc import Callable
from typing import Any, TypeVar

import strawberry
from asgiref.sync import sync_to_async
from strawberry.utils.str_converters import to_camel_case

from apps.core.errors import ErrorCode as DomainErrorCode
from apps.core.errors import NotFound, ServiceError

T = TypeVar("T")

ErrorCode = strawberry.enum(
    DomainErrorCode,
    name="ErrorCode",
    description="Why a mutation could not do what was asked.",
)


@strawberry.type(description="An expected failure of a mutation: what went wrong, and where.")
class MutationError:
    code: ErrorCode = strawberry.field(
        description="What kind of failure, for the client to act on."
    )
    field: str | None = strawberry.field(
        description="The input field at fault (as named in the mutation's arguments), or null."
    )
    message: str = strawberry.field(description="A human-readable explanation.")


def errors_of(exc: ServiceError) -> list[MutationError]:
    return [
        MutationError(
            code=error.code,
            field=to_camel_case(error.field) if error.field else None,
            message=error.message,
        )
        for error in exc.errors
    ]


class Outcome:
    """What a service call gave: its `value`, or the `errors` it raised."""

    def __init__(self, value: Any = None, errors: list[MutationError] | None = None):
        self.value = value
        self.errors = errors or []

    @property
    def ok(self) -> bool:
        return not self.errors


async def run(service: Callable[..., T], *args, **kwargs) -> Outcome:
    """Call a synchronous service off the event loop; expected failures become payload errors."""
    try:
        return Outcome(await sync_to_async(service)(*args, **kwargs))
    except ServiceError as exc:
        return Outcome(errors=errors_of(exc))


def decode_id(global_id: strawberry.relay.GlobalID, type_name: str, *, field: str) -> int:
    """The database id inside a global id of the expected type, or NOT_FOUND on `field`."""
    if global_id.type_name != type_name or not str(global_id.node_id).isdigit():
        raise NotFound(f"No {type_name} with this id.", field=field)
    return int(global_id.node_id)
