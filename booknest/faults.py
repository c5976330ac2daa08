"""Faults of the services BookNest depends on, answered clearly instead of with a 500.

Database down
-------------
A database outage outside GraphQL's execution answers 503, not Django's 500 page.

Inside an operation, schema/masking.py turns a database that cannot be reached into a
SERVICE_UNAVAILABLE error (and the view into a 503), whether a resolver or an extension's hook
(an access token's lookup, schema/auth.py) met it. Some database work happens before GraphQL
runs, though: the HTTP view looks a personal access token up in `get_context`
(schema/auth.py: viewer_for_request). When that (or any other view) raises because the database is
unreachable, `DatabaseUnavailableMiddleware` answers the same GraphQL-shaped error, with status
503, `Retry-After`, and the request id (the `X-Request-ID` header is added on the way out by
booknest/request_id.py). Nothing about the failure reaches the client but the code; the
exception is logged on `booknest.errors`. Other exceptions are left to Django.

Recovery needs no restart: every request asks the connection pool again, and psycopg's pool
reconnects once PostgreSQL answers.

Redis down
----------
The caches bypass Redis (django-redis `IGNORE_EXCEPTIONS`), publishing after a commit logs and
goes on (apps/core/events.py), and the live channel layer (booknest/internals/channel_layer.py) keeps
WebSocket connections working: queries and mutations over WebSocket run, and a subscription gets a SERVICE_UNAVAILABLE
error ("Live updates are unavailable: …") from `join_group` (schema/ws.py).
"""

import json
import logging

from django.http import HttpResponse
from django.utils.deprecation import MiddlewareMixin

from schema.http import JSON, negotiate
from schema.masking import RETRY_AFTER_SECONDS, database_unavailable, unavailable_error

logger = logging.getLogger("booknest.errors")


def database_unavailable_response(request) -> HttpResponse:
    """503 with a SERVICE_UNAVAILABLE GraphQL error, in the media type the client accepts."""
    request_id = getattr(request, "request_id", None)
    media_type = negotiate(request.headers.get("Accept")) or JSON
    body = {"errors": [unavailable_error(request_id)]}
    return HttpResponse(
        json.dumps(body),
        status=503,
        content_type=f"{media_type}; charset=utf-8",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"},
    )


class DatabaseUnavailableMiddleware(MiddlewareMixin):
    """Turns an unreachable database, raised by a view, into a clean 503 (see the module), and
    gives every 503 a `Retry-After` (the GraphQL view answers 503 for SERVICE_UNAVAILABLE)."""

    def process_response(self, request, response: HttpResponse) -> HttpResponse:
        if response.status_code == 503 and not response.has_header("Retry-After"):
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    def process_exception(self, request, exception: Exception) -> HttpResponse | None:
        if not database_unavailable(exception):
            return None
        request_id = getattr(request, "request_id", None)
        logger.warning(
            "database unavailable on %s %s (request %s): %s: %s",
            request.method,
            request.path,
            request_id,
            type(exception).__name__,
            str(exception).strip()[:300],
            extra={"request_id": request_id},
        )
        return database_unavailable_response(request)
