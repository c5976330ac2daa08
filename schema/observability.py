"""One structured log record and metrics per GraphQL operation (HTTP and WebSocket alike).

`OperationLog` logs one INFO record per operation on the `booknest.operations` logger, with
these fields (as `extra`, so the JSON formatter of booknest/logging.py prints each one):

- `request_id` (the HTTP request's, or the WebSocket connection's), `transport` (http/ws),
- `operation_name` (None when anonymous), `operation_type` (query/mutation/subscription, or
  `unknown` when the document did not parse),
- `duration_ms`, `sql_queries` (every SQL statement the operation ran, in any thread),
- `cost` (set by the operation limits; None when refused before), `user_id` (None: anonymous),
- `outcome`: `ok` (no top-level error), `refused` (refused before execution: parse,
  validation, limits, rate limit, token) or `error` (an error during execution, or any
  INTERNAL_SERVER_ERROR / SERVICE_UNAVAILABLE), `error_codes` (`extensions.code` of each
  error, as clients see them after masking; uncoded ones as GRAPHQL_PARSE_FAILED,
  GRAPHQL_VALIDATION_FAILED or INTERNAL_SERVER_ERROR), `error_messages` (the first five).

A subscription is logged once, when it is subscribed (its duration: until its source stream
exists), not for every event; an error it sends later (refused by its resolver, such as
UNAUTHENTICATED, or a failing event) is logged as a WARNING record with `event:
"subscription_error"` and counted in `booknest_graphql_errors_total`. Its end is logged at
DEBUG with its lifetime and SQL count.

The SQL count is a counter in a context variable, which asyncio tasks and asgiref's
`sync_to_async` threads (thread-sensitive or not) inherit; a database execute wrapper, put on
every connection as it is created, adds to it.
"""

import contextvars
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from django.db import connections
from django.db.backends.signals import connection_created
from django.http import HttpRequest
from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import SchemaExtension
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from booknest import metrics
from booknest.logging import request_id_var
from schema.masking import refused_request_code

logger = logging.getLogger("booknest.operations")

# Codes that are the server's fault even when no data came back.
SERVER_ERROR_CODES = frozenset({"INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE"})
MAX_LOGGED_MESSAGES = 5


class QueryCounter:
    """SQL statements run on behalf of one operation (thread-safe: loaders and subscription
    events run them in worker threads)."""

    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    def add(self) -> None:
        with self._lock:
            self.count += 1


_query_counter: contextvars.ContextVar[QueryCounter | None] = contextvars.ContextVar(
    "booknest_query_counter", default=None
)


@contextmanager
def counting_queries() -> Iterator[QueryCounter]:
    """Counts the SQL statements run in this block, including in the asyncio tasks and
    `sync_to_async` threads it starts (they inherit the context); nested blocks count for
    the innermost one only."""
    counter = QueryCounter()
    token = _query_counter.set(counter)
    try:
        yield counter
    finally:
        # A stream closed from another context cannot reset: nothing to undo there.
        with suppress(ValueError):
            _query_counter.reset(token)


def count_query(execute, sql, params, many, context):
    """Database execute wrapper: counts the statement for the current operation, if any."""
    counter = _query_counter.get()
    if counter is not None:
        counter.add()
    return execute(sql, params, many, context)


def install_query_counter(sender=None, connection=None, **kwargs) -> None:
    """Put `count_query` on a database connection (once; the list outlives reconnections)."""
    if connection is not None and count_query not in connection.execute_wrappers:
        connection.execute_wrappers.append(count_query)


connection_created.connect(install_query_counter, dispatch_uid="booknest-query-counter")
# Connections this thread opened before this module was imported (a test run's setup).
for _connection in connections.all(initialized_only=True):
    install_query_counter(connection=_connection)


def error_code(error: GraphQLError) -> str:
    """An error's `extensions.code`; uncoded errors get a name for their kind."""
    code = (error.extensions or {}).get("code")
    if isinstance(code, str) and code:
        return code
    if isinstance(error, GraphQLSyntaxError):
        return "GRAPHQL_PARSE_FAILED"
    if error.path is None and (
        error.original_error is None or error.message.startswith("Variable '$")
    ):
        return "GRAPHQL_VALIDATION_FAILED"  # the document or its variables were refused
    return "INTERNAL_SERVER_ERROR"  # an exception, not refused by GraphQL's own rules


def outcome_of(errors: list[GraphQLError], codes: list[str]) -> str:
    """ok, refused (nothing executed: every error is a request error) or error."""
    if not errors:
        return "ok"
    if SERVER_ERROR_CODES.intersection(codes):
        return "error"
    return "refused" if all(e.path is None for e in errors) else "error"


def as_graphql_error(exc: BaseException) -> GraphQLError:
    """An exception that ended the operation, as the error it stands for: Strawberry's
    refusals of the request (no query, no such operation, a mutation over GET, a subscription
    over HTTP) are the client's; anything else is the server's."""
    if isinstance(exc, GraphQLError):
        return exc
    if isinstance(exc, InvalidOperationTypeError) and exc.operation_type == OperationType.MUTATION:
        code = "METHOD_NOT_ALLOWED"  # a mutation over GET: the view answers 405
    else:
        code = refused_request_code(exc) or "INTERNAL_SERVER_ERROR"
    return GraphQLError(
        str(exc) or type(exc).__name__,
        original_error=exc if isinstance(exc, Exception) else None,
        extensions={"code": code},
    )


def transport_of(context) -> str:
    request = getattr(context, "request", None)
    if isinstance(request, HttpRequest):
        return "http"
    scope = getattr(request, "scope", None)
    if isinstance(scope, dict) and scope.get("type") == "websocket":
        return "ws"
    return "http" if request is not None else "internal"


class OperationLog(SchemaExtension):
    """Logs each operation (request id, operation name, duration, SQL query count, cost, user
    id, error codes) and counts it in the Prometheus metrics (booknest/metrics.py)."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        request_id = getattr(context, "request_id", None)
        self.started = time.perf_counter()
        self.logged = False
        request_id_token = request_id_var.set(request_id)
        failure: BaseException | None = None
        with counting_queries() as self.counter:
            try:
                yield
            except BaseException as exc:
                failure = exc
                raise
            finally:
                try:
                    self.finish(failure)
                finally:
                    with suppress(ValueError):
                        request_id_var.reset(request_id_token)

    def on_execute(self) -> Iterator[None]:
        failure: BaseException | None = None
        try:
            yield
        except BaseException as exc:
            failure = exc
            raise
        finally:
            if self.operation_type() == "subscription" and not self.logged:
                errors = [as_graphql_error(failure)] if failure is not None else []
                self.emit(errors)

    def on_stream_result(self, result) -> Iterator[None]:
        try:
            yield
        finally:
            errors = list(getattr(result, "errors", None) or ())
            if errors and self.logged and self.operation_type() == "subscription":
                self.subscription_error(errors)

    def finish(self, failure: BaseException | None) -> None:
        """The operation ended: log it unless it was (a subscription, logged when subscribed)."""
        if self.logged:
            lifetime = time.perf_counter() - self.started
            logger.debug(
                "subscription %s ended after %.0f ms, %d SQL queries",
                self.operation_name() or "anonymous",
                lifetime * 1000,
                self.counter.count,
                extra={
                    **self.common_fields(),
                    "event": "subscription_end",
                    "duration_ms": round(lifetime * 1000, 2),
                    "sql_queries": self.counter.count,
                },
            )
            return
        if failure is not None and not isinstance(failure, Exception):
            errors = []  # cancelled (the client went away): not the server's error
        elif failure is not None:
            errors = [as_graphql_error(failure)]
        else:
            result = self.execution_context.result
            errors = list(getattr(result, "errors", None) or ())
            if not errors:
                errors = list(self.execution_context.pre_execution_errors or ())
        self.emit(errors)

    def operation_type(self) -> str:
        try:
            operation_type = self.execution_context.operation_type
        except Exception:  # no document, or no such operation in it
            return "unknown"
        return operation_type.value if isinstance(operation_type, OperationType) else "unknown"

    def operation_name(self) -> str | None:
        try:
            return self.execution_context.operation_name
        except Exception:
            return None

    def common_fields(self) -> dict:
        context = self.execution_context.context
        try:
            # A token not known to stand (schema/auth.py) names no one.
            user_id = None if getattr(context, "pending_token", None) else context.viewer_id
        except Exception:
            user_id = None
        return {
            "request_id": getattr(context, "request_id", None),
            "transport": transport_of(context),
            "operation_name": self.operation_name(),
            "operation_type": self.operation_type(),
            "user_id": user_id,
        }

    def emit(self, errors: list[GraphQLError]) -> None:
        """The operation's one INFO record, and its metrics."""
        self.logged = True
        duration = time.perf_counter() - self.started
        codes = [error_code(e) for e in errors]
        outcome = outcome_of(errors, codes)
        operation_type = self.operation_type()
        if logger.isEnabledFor(logging.INFO):  # the record is built only for a log that keeps it
            self.log(duration, errors, codes, outcome)
        name = metrics.operation_label(self.operation_name(), empty="anonymous")
        metrics.OPERATIONS.labels(operation=name, type=operation_type, outcome=outcome).inc()
        metrics.OPERATION_DURATION.labels(type=operation_type).observe(duration)
        metrics.SQL_QUERIES.labels(type=operation_type).observe(self.counter.count)
        self.count_errors(codes)

    def log(self, duration: float, errors: list[GraphQLError], codes: list[str], outcome: str):
        fields = self.common_fields()
        fields.update(
            duration_ms=round(duration * 1000, 2),
            sql_queries=self.counter.count,
            cost=getattr(self.execution_context.context, "cost", None),
            outcome=outcome,
            error_codes=codes,
            error_messages=[e.message[:200] for e in errors[:MAX_LOGGED_MESSAGES]],
        )
        logger.info(
            "%s %s: %s in %.1f ms, %d SQL quer%s",
            fields["operation_type"],
            fields["operation_name"] or "anonymous",
            outcome if not codes else f"{outcome} ({', '.join(sorted(set(codes)))})",
            duration * 1000,
            self.counter.count,
            "y" if self.counter.count == 1 else "ies",
            extra=fields,
        )

    def subscription_error(self, errors: list[GraphQLError]) -> None:
        codes = [error_code(e) for e in errors]
        logger.warning(
            "subscription %s sent an error (%s)",
            self.operation_name() or "anonymous",
            ", ".join(sorted(set(codes))),
            extra={
                **self.common_fields(),
                "event": "subscription_error",
                "error_codes": codes,
                "error_messages": [e.message[:200] for e in errors[:MAX_LOGGED_MESSAGES]],
            },
        )
        self.count_errors(codes)

    @staticmethod
    def count_errors(codes: list[str]) -> None:
        for code in codes:
            metrics.ERRORS.labels(code=metrics.error_code_label(code, empty="UNKNOWN")).inc()
        if "RATE_LIMITED" in codes:
            metrics.RATE_LIMITED.inc()


def record_refused_request(request, code: str, message: str, operation_name=None) -> None:
    """Logs and counts a GraphQL request the HTTP view refused before the schema saw it (a
    persisted query not found, the allow-list: `schema.http.RequestRefused`), as an
    operation of type `unknown` with outcome `refused`, like any other refusal.

    For schema/views.py, where it catches `RequestRefused`:
    `record_refused_request(request, refused.code, refused.message, params.operation_name)`.
    """
    name = operation_name if isinstance(operation_name, str) else None
    fields = {
        "request_id": getattr(request, "request_id", None),
        "transport": "http",
        "operation_name": name,
        "operation_type": "unknown",
        "duration_ms": None,
        "sql_queries": None,
        "cost": None,
        "user_id": None,  # the token is read after this stage (and `request.user` is sync)
        "outcome": "refused",
        "error_codes": [code],
        "error_messages": [message[:200]],
    }
    logger.info("request %s: refused (%s)", name or "anonymous", code, extra=fields)
    label = metrics.operation_label(name, empty="anonymous")
    metrics.OPERATIONS.labels(operation=label, type="unknown", outcome="refused").inc()
    OperationLog.count_errors([code])
