"""A request id for every HTTP request (and WebSocket connection), and the client's address.

`X-Request-ID` from the client (or a proxy) is kept when it is a short, printable token;
otherwise a new one is made. It is on `request.request_id`, in the response's `X-Request-ID`,
in every log line of the operation and in masked errors' `extensions.requestId`.
"""

import re
import uuid

from django.conf import settings

HEADER = "X-Request-ID"
ACCEPTABLE = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


def new_request_id() -> str:
    return uuid.uuid4().hex


def request_id_from(value: str | None) -> str:
    """The client's id when it is acceptable, else a new one (never trust it to be unique)."""
    return value if value and ACCEPTABLE.match(value) else new_request_id()


def client_ip_from(remote_addr: str | None, forwarded_for: str | None) -> str:
    """The client's IP: the socket's peer, or, behind a trusted proxy (`DJANGO_BEHIND_PROXY`),
    the last address the proxy appended to `X-Forwarded-For`."""
    if settings.BEHIND_PROXY and forwarded_for:
        last = forwarded_for.split(",")[-1].strip()
        if last:
            return last
    return remote_addr or "unknown"


def client_ip(request) -> str:
    """The client IP of a Django HTTP request."""
    return client_ip_from(request.META.get("REMOTE_ADDR"), request.META.get("HTTP_X_FORWARDED_FOR"))


def client_ip_of_scope(scope: dict) -> str:
    """The client IP of an ASGI (WebSocket) scope."""
    headers = {
        k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])
    }
    peer = scope.get("client") or (None,)
    return client_ip_from(peer[0], headers.get("x-forwarded-for"))


class RequestIdMiddleware:
    """Sets `request.request_id` and answers with the `X-Request-ID` header (sync and async)."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        from asgiref.sync import iscoroutinefunction, markcoroutinefunction

        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.is_async:
            return self.__acall__(request)
        request.request_id = request_id_from(request.headers.get(HEADER))
        response = self.get_response(request)
        response[HEADER] = request.request_id
        return response

    async def __acall__(self, request):
        request.request_id = request_id_from(request.headers.get(HEADER))
        response = await self.get_response(request)
        response[HEADER] = request.request_id
        return response
