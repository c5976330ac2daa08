"""Requests through the project's real ASGI application (booknest.asgi.application), in process.

`asgi_request` speaks ASGI to the application as daphne would (scope, body messages, the response
messages back). `ASGIClient` is Django's test `Client` whose requests for `/graphql` go that way
(so through the lean path, booknest/lean.py, unless GRAPHQL_LEAN_PATH is off) and the others
through Django's test handler: the suite's HTTP tests keep their client API and run on the path
production serves.
"""

import asyncio
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

from asgiref.sync import async_to_sync
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.http import HttpResponse
from django.middleware.csrf import CSRF_SECRET_LENGTH
from django.test import Client
from django.test.client import FakePayload

GRAPHQL = "/graphql"


@dataclass
class ASGIResponse:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        return ", ".join(values) if values else None


async def asgi_request(
    app,
    method: str,
    path: str,
    *,
    headers: list[tuple[str, str]] | None = None,
    body: bytes = b"",
    query_string: str = "",
    client: tuple[str, int] = ("127.0.0.1", 50000),
    server: tuple[str, int] = ("testserver", 80),
    scheme: str = "http",
) -> ASGIResponse:
    """One HTTP request to an ASGI application; its status, headers and body."""
    headers = list(headers or [])
    if body and not any(name.lower() == "content-length" for name, _ in headers):
        headers.append(("content-length", str(len(body))))  # as an HTTP client sends it
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": scheme,
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query_string.encode("latin-1"),
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers],
        "client": client,
        "server": server,
    }
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    finished = asyncio.Event()

    async def receive():
        if messages:
            return messages.pop(0)
        await finished.wait()  # the client stays until the answer is complete
        return {"type": "http.disconnect"}

    response = ASGIResponse(status=0)

    async def send(message):
        if message["type"] == "http.response.start":
            response.status = message["status"]
            response.headers = [
                (k.decode("latin-1"), v.decode("latin-1")) for k, v in message["headers"]
            ]
        elif message["type"] == "http.response.body":
            response.body += message.get("body", b"")
            if not message.get("more_body"):
                finished.set()

    await app(scope, receive, send)
    finished.set()
    return response


def _scope_parts(environ: dict) -> dict:
    """The parts of an ASGI request equivalent to a WSGI environ of Django's test client."""
    headers = []
    for key, value in environ.items():
        if key.startswith("HTTP_") and value != "":
            headers.append((key[5:].replace("_", "-").lower(), str(value)))
    for key, name in (("CONTENT_TYPE", "content-type"), ("CONTENT_LENGTH", "content-length")):
        if environ.get(key):
            headers.append((name, str(environ[key])))
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    return {
        "headers": headers,
        "body": body,
        "query_string": environ.get("QUERY_STRING", ""),
        "client": (environ.get("REMOTE_ADDR", "127.0.0.1"), 50000),
        "server": (environ.get("SERVER_NAME", "testserver"), int(environ.get("SERVER_PORT", 80))),
        "scheme": environ.get("wsgi.url_scheme", "http"),
    }


def as_django_response(answer: ASGIResponse) -> HttpResponse:
    """An `HttpResponse` with the ASGI answer's status, headers, cookies and body, for the
    test client's callers."""
    response = HttpResponse(answer.body, status=answer.status)
    for name in list(response.headers):
        del response.headers[name]
    for name, value in answer.headers:
        if name.lower() == "set-cookie":
            response.cookies.load(SimpleCookie(value))
        elif name in response.headers:
            response.headers[name] = f"{response.headers[name]}, {value}"
        else:
            response.headers[name] = value
    return response


# A CSRF secret for the requests of a client that does not enforce CSRF checks (see below).
TEST_CSRF_SECRET = "t" * CSRF_SECRET_LENGTH


def with_csrf_token(environ: dict) -> dict:
    """Django's test client skips CSRF checks unless `enforce_csrf_checks`, by a flag on the
    request that an ASGI request cannot carry: its multipart requests (the only ones the API
    checks) get what a browser page would send instead, the cookie and the matching header."""
    if not environ.get("CONTENT_TYPE", "").startswith("multipart/"):
        return environ
    if "HTTP_X_CSRFTOKEN" in environ or "csrftoken=" in environ.get("HTTP_COOKIE", ""):
        return environ
    cookie = "; ".join(
        c for c in (environ.get("HTTP_COOKIE"), f"csrftoken={TEST_CSRF_SECRET}") if c
    )
    return {**environ, "HTTP_COOKIE": cookie, "HTTP_X_CSRFTOKEN": TEST_CSRF_SECRET}


class ASGIHandler:
    """Django's test handler, except that `/graphql` goes through booknest.asgi.application."""

    def __init__(self, django_handler):
        self.django_handler = django_handler

    def __call__(self, environ):
        if environ["PATH_INFO"] != GRAPHQL:
            return self.django_handler(environ)
        from booknest.asgi import application

        if not self.django_handler.enforce_csrf_checks:
            environ = with_csrf_token(environ)
        parts = _scope_parts(environ)
        # As Django's test handler: the test's own connection (and transaction) stays open.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            answer = async_to_sync(asgi_request)(
                application, environ["REQUEST_METHOD"], environ["PATH_INFO"], **parts
            )
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        response = as_django_response(answer)
        # What Django's test client reads back (resolver match, the request sent).
        response.wsgi_request = WSGIRequest({**environ, "wsgi.input": FakePayload(parts["body"])})
        return response


class ASGIClient(Client):
    """Django's test client; `/graphql` through the ASGI application (see the module)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.handler = ASGIHandler(self.handler)
