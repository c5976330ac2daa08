"""Error masking: unexpected exceptions never reach clients with their text.

An error is *expected* when it was raised on purpose and its message is meant for the client:
graphql-core's own (syntax, validation, variable coercion: no original exception, or one that
is located in the document before execution), a `GraphQLError` raised by our code (with its
`extensions.code`), or an `apps.core.errors.ServiceError`. Those keep their message and code.
Two more are the client's doing, not bugs, and get a code: a `Model.DoesNotExist` (`node(id:)`
of a row that is gone: NOT_FOUND) and the ValueErrors that Strawberry's relay and pagination code
raise about a malformed cursor or global id or a negative `first` (INVALID).

Every top-level error leaves here with an `extensions.code`. GraphQL's own refusals get Apollo
Server's names (`request_error_code`): GRAPHQL_PARSE_FAILED (the document does not parse),
GRAPHQL_VALIDATION_FAILED (it does not validate: whatever validation reported, remembered by
identity in `on_validate`), BAD_USER_INPUT (a variable does not coerce to its type: graphql-core
reports it at the variable's definition), OPERATION_RESOLUTION_FAILURE (no operation to run:
an unknown `operationName`, or several operations and none named), BAD_REQUEST (an operation
type the transport does not serve, an empty document). The code is added to the error object
itself, which keeps its class (graphql-transport-ws closes the socket on a syntax error).
Strawberry's own refusals raise exceptions out of `Schema.execute` over HTTP, where the view
answers them with the same codes (`refused_request_code`).

Anything else is a bug. With `GRAPHQL_MASK_ERRORS` (read per operation), its message becomes
"Internal server error." and its extensions `{code: INTERNAL_SERVER_ERROR, requestId}`; the
exception is logged with its traceback and the request id on the `booknest.errors` logger, and
the client can quote the id (also the response's `X-Request-ID` header, or the WebSocket
connection's id) to find it. With masking off (development), the message is kept, the code and
request id are added all the same.

A database that cannot be reached is not a bug but an outage: masked or not, the error says
"The database is unavailable; retry shortly." with code SERVICE_UNAVAILABLE, which the HTTP view
answers with 503 (schema/views.py). The same error before GraphQL runs (the token lookup) is
answered by booknest/faults.py.

Strawberry logs every error, at ERROR and with the exception's traceback, on the
`strawberry.execution` logger (`Schema.process_errors`) — client mistakes included, and without
the request id. That logger is filtered out here: the unexpected errors are logged once, by this
extension, with the request id; expected ones are the client's business (and counted per
operation by schema/observability.py).
"""

import binascii
import functools
import logging
import os
import re
import sysconfig
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import strawberry
import strawberry_django
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from graphql import GraphQLError, GraphQLSyntaxError, OperationDefinitionNode, parse
from strawberry.exceptions import MissingQueryError
from strawberry.extensions import MaskErrors as StrawberryMaskErrors
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError

from apps.core.errors import ErrorCode, ServiceError

logger = logging.getLogger("booknest.errors")

INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
INTERNAL_MESSAGE = "Internal server error."
DATABASE_UNAVAILABLE_MESSAGE = "The database is unavailable; retry shortly."
# GraphQL's own refusals of a request (Apollo Server's names for them).
GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
BAD_USER_INPUT = "BAD_USER_INPUT"
OPERATION_RESOLUTION_FAILURE = "OPERATION_RESOLUTION_FAILURE"
BAD_REQUEST = "BAD_REQUEST"
# Strawberry's exceptions for a request it cannot run, and their codes.
REFUSED_REQUEST_CODES: dict[type[Exception], str] = {
    CannotGetOperationTypeError: OPERATION_RESOLUTION_FAILURE,
    InvalidOperationTypeError: BAD_REQUEST,
    MissingQueryError: BAD_REQUEST,
}
# Seconds a client is asked to wait (`Retry-After`) when the database is unreachable.
RETRY_AFTER_SECONDS = 5
_STRAWBERRY = Path(strawberry.__file__).resolve().parent
_STRAWBERRY_DJANGO = Path(strawberry_django.__file__).resolve().parent
# The standard library's frames (base64's, say) do not tell where an exception comes from;
# the code that raises about a client's arguments does (see `is_client_input_error`).
_STDLIB = f"{Path(sysconfig.get_paths()['stdlib']).resolve()}{os.sep}"
CLIENT_INPUT_CODE = tuple(
    f"{path}{os.sep}"
    for path in (
        _STRAWBERRY / "relay",
        _STRAWBERRY_DJANGO / "relay",
        _STRAWBERRY_DJANGO / "pagination.py",
    )
)


def _database_error_types() -> tuple[type[BaseException], ...]:
    from django.db import InterfaceError, OperationalError

    types: list[type[BaseException]] = [OperationalError, InterfaceError]
    try:
        import psycopg
        from psycopg_pool import PoolTimeout

        types += [psycopg.OperationalError, psycopg.InterfaceError, PoolTimeout]
    except ImportError:  # pragma: no cover - SQLite-only installs
        pass
    return tuple(types)


def _causes(exc: BaseException | None) -> Iterator[BaseException]:
    """The exception and those it was raised from or during (a few levels, no cycles)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen and len(seen) < 8:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether `exc` (or what caused it) says the database could not be reached or used:
    Django's OperationalError/InterfaceError, psycopg's, or the pool's timeout."""
    types = _database_error_types()
    return any(isinstance(cause, types) for cause in _causes(exc))


def _innermost_known_frame(exc: BaseException) -> str | None:
    """The file of the deepest traceback frame outside the standard library."""
    found = None
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if not filename.startswith(_STDLIB):
            found = filename
        tb = tb.tb_next
    return found


def is_client_input_error(exc: BaseException) -> bool:
    """A ValueError/TypeError that Strawberry's or strawberry-django's relay and pagination
    code raise about an argument the client sent: a malformed cursor or global id, a global
    id naming no type, a negative `first`. Their messages describe the argument, nothing more."""
    if not isinstance(exc, (ValueError, TypeError)):
        return False
    filename = _innermost_known_frame(exc)
    return filename is not None and (filename + os.sep).startswith(CLIENT_INPUT_CODE)


def refused_request_code(exc: BaseException | None) -> str | None:
    """The code of a Strawberry exception refusing the request (no such operation, an
    operation type not served here, no document), or None for any other exception."""
    for exc_type, code in REFUSED_REQUEST_CODES.items():
        if isinstance(exc, exc_type):
            return code
    return None


def is_expected(error: GraphQLError) -> bool:
    """Whether the error's message is meant for the client (see the module's docstring)."""
    original = error.original_error
    if original is None or isinstance(original, (GraphQLError, ServiceError)):
        return True
    if refused_request_code(original) is not None:
        return True
    # Variable and literal coercion: graphql-core locates the client's bad input in the
    # document, before execution (no path), and keeps the scalar's exception as the cause.
    return error.path is None and bool(error.nodes) and not database_unavailable(original)


def _uncoded(error: GraphQLError) -> bool:
    return not (error.extensions or {}).get("code")


def request_error_code(error: GraphQLError, validation_errors: set[int]) -> str:
    """The code of an expected top-level error without one: what GraphQL refused.

    `validation_errors`: the ids of the errors validation reported. Past validation, graphql-core
    reports a variable that does not coerce at its definition (`nodes`), and an operation it
    cannot pick (`operationName`) at no node at all.
    """
    if isinstance(error, GraphQLSyntaxError):
        return GRAPHQL_PARSE_FAILED
    if id(error) in validation_errors:
        return GRAPHQL_VALIDATION_FAILED
    refused = refused_request_code(error.original_error)
    if refused is not None:
        return refused
    return BAD_USER_INPUT if error.nodes else OPERATION_RESOLUTION_FAILURE


# Several operations in a document that validates need at least two of these keywords (an
# anonymous `{ … }` operation must be alone); only such documents are parsed twice.
OPERATION_KEYWORD = re.compile(r"\b(?:query|mutation|subscription)\b")


def ambiguous_operation(query: object, operation_name: object) -> GraphQLError | None:
    """GraphQL's GetOperation(): a document with several operations and no `operationName`
    names no operation to run (OPERATION_RESOLUTION_FAILURE). Strawberry would silently run the
    first one, so the transports ask this before they hand the request over (HTTP view,
    WebSocket handlers)."""
    if operation_name or not isinstance(query, str) or not _several_operations(query):
        return None
    return GraphQLError(
        "Must provide operation name if query contains multiple operations.",
        extensions={"code": OPERATION_RESOLUTION_FAILURE},
    )


@functools.lru_cache(maxsize=512)
def _several_operations(query: str) -> bool:
    """Whether the document holds more than one operation (asked once per document text)."""
    if len(OPERATION_KEYWORD.findall(query)) < 2:
        return False
    try:
        document = parse(query)
    except GraphQLError:
        return False  # the execution reports the syntax error
    return sum(isinstance(d, OperationDefinitionNode) for d in document.definitions) >= 2


def request_id_of(execution_context) -> str | None:
    """The operation's request id (HTTP request or WebSocket connection), when known."""
    return getattr(getattr(execution_context, "context", None), "request_id", None)


def unavailable_error(request_id: str | None) -> dict[str, Any]:
    """The JSON of the SERVICE_UNAVAILABLE error, for answers given outside GraphQL."""
    extensions: dict[str, Any] = {"code": SERVICE_UNAVAILABLE}
    if request_id:
        extensions["requestId"] = request_id
    return {"message": DATABASE_UNAVAILABLE_MESSAGE, "extensions": extensions}


class MaskErrors(StrawberryMaskErrors):
    """With `GRAPHQL_MASK_ERRORS`, replaces an unexpected error's message by a generic one with
    `extensions.code` INTERNAL_SERVER_ERROR and `extensions.requestId`; expected errors (with a
    code) keep theirs. A database that cannot be reached becomes SERVICE_UNAVAILABLE."""

    def __init__(self) -> None:
        # Every error goes through `anonymise_error`, which decides what to do with it.
        super().__init__(should_mask_error=self._should_process, error_message=INTERNAL_MESSAGE)
        self.validation_errors: set[int] = set()

    def on_operation(self) -> Iterator[None]:
        """Strawberry's, and: an exception raised by an extension's hook (not a resolver's:
        graphql-core catches those) is treated as a resolver's error on its way out — a
        database that is down is SERVICE_UNAVAILABLE, a bug masked and logged — instead of
        reaching the client as it is."""
        processing = super().on_operation()
        next(processing)
        try:
            yield
        except Exception as exc:
            if refused_request_code(exc) is not None:
                raise  # Strawberry's own refusals, answered by the view
            error = (
                exc if isinstance(exc, GraphQLError) else GraphQLError(str(exc), original_error=exc)
            )
            if self._should_process(error):
                raise self.anonymise_error(error) from exc
            raise
        with suppress(StopIteration):
            next(processing)

    def on_validate(self) -> Iterator[None]:
        yield
        # What validation refused (graphql-core's rules and the limits, which have their own
        # codes): a validation error and a variable's coercion error can look alike.
        errors = self.execution_context.pre_execution_errors or ()
        self.validation_errors = {id(error) for error in errors}

    def _process_result(self, result: object) -> None:
        # Strawberry's asks `isinstance(result, <runtime Protocol>)` first: slow, on every result.
        if getattr(result, "errors", None):
            super()._process_result(result)

    @staticmethod
    def _should_process(error: GraphQLError) -> bool:
        return not is_expected(error) or _uncoded(error)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        if is_expected(error) and error.path is None:
            code = request_error_code(error, self.validation_errors)
            if refused_request_code(error.original_error) is not None:
                # Without Strawberry's exception: graphql-transport-ws then answers with an
                # `error` message (as the protocol's reference server does) instead of closing
                # the connection and every other operation on it.
                return self._replace(error, error.message, code)
            # GraphQL refused the request: the same error, with its code (in place: a syntax
            # error stays one, and graphql-transport-ws closes with 4400 on it, as its
            # reference server does).
            error.extensions = {**(error.extensions or {}), "code": code}
            return error
        if is_expected(error):
            # A library's own GraphQLError about an argument of this field (e.g. "Value cannot
            # represent a GlobalID"): the client's input, said as it is, with a code.
            return self._replace(error, error.message, ErrorCode.INVALID.value)
        original = error.original_error
        if isinstance(original, ObjectDoesNotExist):
            # `node(id:)` of a row that is gone (or hidden): the client's id, not a bug.
            return self._replace(error, error.message, ErrorCode.NOT_FOUND.value)
        if is_client_input_error(original):
            message = error.message
            if any(isinstance(c, binascii.Error) for c in _causes(original)):  # "Incorrect padding"
                message = f"Invalid cursor or id (not valid base64): {message}"
            return self._replace(error, message, ErrorCode.INVALID.value)
        request_id = request_id_of(self.execution_context)
        where = ".".join(str(key) for key in error.path) if error.path else "operation"
        if database_unavailable(original):
            logger.warning(
                "database unavailable at %s (request %s): %s: %s",
                where,
                request_id,
                type(original).__name__,
                str(original).strip()[:300],
                extra={"request_id": request_id},
            )
            return self._replace(error, DATABASE_UNAVAILABLE_MESSAGE, SERVICE_UNAVAILABLE)
        logger.error(
            "unexpected error at %s (request %s)",
            where,
            request_id,
            exc_info=original,
            extra={"request_id": request_id},
        )
        if settings.GRAPHQL_MASK_ERRORS:
            message = INTERNAL_MESSAGE
            if request_id:
                message = f"{INTERNAL_MESSAGE} Request id: {request_id}."
        else:
            message = error.message
        return self._replace(error, message, INTERNAL_SERVER_ERROR)

    def _replace(self, error: GraphQLError, message: str, code: str) -> GraphQLError:
        extensions: dict[str, Any] = {"code": code}
        request_id = request_id_of(self.execution_context)
        if request_id and code in (INTERNAL_SERVER_ERROR, SERVICE_UNAVAILABLE):
            extensions["requestId"] = request_id
        return GraphQLError(
            message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions=extensions,
        )


class _DropStrawberryErrorLog(logging.Filter):
    """Drops `strawberry.execution` records: MaskErrors logs the errors that matter, once."""

    def filter(self, record: logging.LogRecord) -> bool:
        return False


_STRAWBERRY_LOGGER = logging.getLogger("strawberry.execution")
if not any(isinstance(f, _DropStrawberryErrorLog) for f in _STRAWBERRY_LOGGER.filters):
    _STRAWBERRY_LOGGER.addFilter(_DropStrawberryErrorLog())
