"""Middleware that keeps the GraphQL endpoint on the event loop.

Under daphne every request runs on the event loop, and each old-style middleware hook
(`process_request`, `process_response`) is a hop to a worker thread and back; a sync-only
middleware (WhiteNoise) even holds a thread for the whole request. `/graphql` needs none of the
session, authentication and messages machinery (the API authenticates by header; the admin
uses them), so those run for the other pages only (CSRF also for file uploads), and WhiteNoise only for
static files. Each of these says so (`passes_api_requests`): the lean path (booknest/lean.py)
leaves them out of the chain for `/graphql` requests other than uploads.
Header-only middleware (security headers, X-Frame-Options, Common, the 503 `Retry-After`) does
no I/O: its hooks run on the event loop itself instead of a worker thread. Measured with
`python -m bench throughput` (README, Performance).
"""

from asgiref.sync import async_to_sync, markcoroutinefunction, sync_to_async
from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.middleware.csrf import CsrfViewMiddleware
from django.middleware.security import SecurityMiddleware
from whitenoise.middleware import WhiteNoiseMiddleware

from booknest.faults import DatabaseUnavailableMiddleware

API_PATH = "/graphql"


def is_api_request(request) -> bool:
    return request.path_info == API_PATH


def is_upload(request) -> bool:
    return request.content_type == "multipart/form-data"


def pages_only(middleware_class, *, unless=None):
    """`middleware_class`, skipped for `/graphql` except for the requests `unless(request)` is
    true of. A subclass, so that Django's checks (the admin's) still find it."""

    class PagesOnly(middleware_class):
        # Passes every `/graphql` request through but uploads, when `unless` is the upload
        # test (the lean path leaves it out of the chain for the other API requests).
        passes_api_requests = unless in (None, is_upload)

        def __call__(self, request):
            if is_api_request(request) and not (unless and unless(request)):
                return self.get_response(request)  # a coroutine in async mode: awaited upstream
            return super().__call__(request)

    PagesOnly.__name__ = PagesOnly.__qualname__ = f"{middleware_class.__name__}ForPages"
    PagesOnly.__doc__ = (
        f"{middleware_class.__module__}.{middleware_class.__name__}, not for /graphql."
    )
    return PagesOnly


def on_the_loop(middleware_class):
    """`middleware_class` (a MiddlewareMixin whose hooks do no I/O), with its hooks called on the
    event loop rather than through `sync_to_async` (Django's default: two thread hops)."""

    class OnTheLoop(middleware_class):
        async def __acall__(self, request):
            response = None
            if hasattr(self, "process_request"):
                response = self.process_request(request)
            response = response or await self.get_response(request)
            if hasattr(self, "process_response"):
                response = self.process_response(request, response)
            return response

    OnTheLoop.__name__ = OnTheLoop.__qualname__ = middleware_class.__name__
    return OnTheLoop


Security = on_the_loop(SecurityMiddleware)
Common = on_the_loop(CommonMiddleware)
XFrameOptions = on_the_loop(XFrameOptionsMiddleware)
DatabaseUnavailable = on_the_loop(DatabaseUnavailableMiddleware)

SessionForPages = pages_only(SessionMiddleware)
AuthenticationForPages = pages_only(AuthenticationMiddleware)
MessagesForPages = pages_only(MessageMiddleware)


# File uploads to /graphql may authenticate with a CSRF token instead of a header
# (schema/media/multipart.py): they need the middleware to have read the CSRF cookie.
class CsrfForPagesAndUploads(pages_only(CsrfViewMiddleware, unless=is_upload)):
    async def process_view(self, request, callback, callback_args, callback_kwargs):
        """Django calls view middleware itself, through a thread unless it is a coroutine."""
        if is_api_request(request) and not is_upload(request):
            return None
        check = super().process_view
        return await sync_to_async(check)(request, callback, callback_args, callback_kwargs)


class StaticFiles:
    """WhiteNoise (sync only) for requests under STATIC_URL; every other request stays async."""

    sync_capable = False
    async_capable = True
    passes_api_requests = True

    def __init__(self, get_response):
        self.get_response = get_response
        # WhiteNoise falls through to the next handler for files it does not have.
        self.whitenoise = WhiteNoiseMiddleware(async_to_sync(get_response))
        self.prefix = "/" + settings.STATIC_URL.lstrip("/")
        markcoroutinefunction(self)

    async def __call__(self, request):
        if request.path_info.startswith(self.prefix):
            return await sync_to_async(self.whitenoise, thread_sensitive=False)(request)
        return await self.get_response(request)
