"""Log lines as JSON objects (python-json-logger), one per line, for log shippers.

Every record becomes `{"timestamp", "level", "logger", "message", ...}` plus whatever the
record carries as `extra=` (the per-operation record of schema/observability.py carries the
operation's fields), plus `request_id` while a GraphQL operation runs (`request_id_var`).
`LOG_FORMAT` (booknest/settings.py) picks this formatter (`json`) or a plain text one; with
`json`, daphne's access log and Python's warnings go through logging too (one JSON per line).
"""

import contextvars
import datetime as dt
import logging

from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

# The request id of the GraphQL operation being run (set by schema/observability.py); asyncio
# tasks and asgiref's sync_to_async threads inherit it, so every log line of the operation,
# wherever it is logged from, carries it.
request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "booknest_request_id", default=None
)


class JsonFormatter(BaseJsonFormatter):
    """One JSON object per record: timestamp (ISO 8601, UTC), level, logger, message, the
    record's extras, the current request id when known, and the exception if any."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", ["message"])
        super().__init__(*args, **kwargs)

    def add_fields(self, log_record, record, message_dict) -> None:
        """The fixed fields first, then the record's message and extras."""
        log_record["timestamp"] = (
            dt.datetime.fromtimestamp(record.created, tz=dt.UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z")
        )
        log_record["level"] = record.levelname
        log_record["logger"] = record.name
        super().add_fields(log_record, record, message_dict)
        request_id = request_id_var.get()
        if request_id and "request_id" not in log_record:
            log_record["request_id"] = request_id


def access_log_entry(self, host, date, request, status=None, length=None, ident=None, user=None):
    """daphne's access-log entry as a log record (logger `daphne.access`, INFO) instead of an
    NCSA text line written straight to stdout."""
    logging.getLogger("daphne.access").info(
        "%s %s",
        request,
        status if status is not None else "-",
        extra={"client": host, "request": request, "status": status, "size": length},
    )


def route_daphne_access_log() -> None:
    """With JSON logs, daphne's access log (on by default at verbosity 1) goes through logging
    too, so that every line on stdout is JSON. daphne's command line builds its access logger
    from a fixed class, after loading the application: the class's writer is replaced."""
    try:
        from daphne.access import AccessLogGenerator
    except ImportError:  # not served by daphne
        return
    AccessLogGenerator.write_entry = access_log_entry
