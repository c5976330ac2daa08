"""Where the links of account emails point: the client app (`FRONTEND_URL`).

Without `FRONTEND_URL`, the origin the request came to: its scheme and its Host header, which
Django has checked against `ALLOWED_HOSTS` (so a forged Host cannot point a reset link at an
attacker's site). On a WebSocket, the handshake's Host header, checked the same way.
"""

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest
from django.http.request import split_domain_port, validate_host

from schema.context import Info

FALLBACK = "http://localhost:8000"


def frontend_url(info: Info) -> str:
    """The client app's origin (or base URL) for links in emails, without a trailing slash."""
    if settings.FRONTEND_URL:
        return settings.FRONTEND_URL
    request = info.context.request
    if isinstance(request, HttpRequest):
        try:
            return f"{request.scheme}://{request.get_host()}"
        except DisallowedHost:
            return FALLBACK
    scope = getattr(request, "scope", None) or {}
    headers = {
        k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])
    }
    host = headers.get("host", "")
    domain, _ = split_domain_port(host)
    allowed = [
        *settings.ALLOWED_HOSTS,
        *([".localhost", "127.0.0.1", "[::1]"] if settings.DEBUG else []),
    ]
    if not domain or not validate_host(domain, allowed):
        return FALLBACK
    scheme = "https" if scope.get("scheme") in ("wss", "https") else "http"
    return f"{scheme}://{host}"
