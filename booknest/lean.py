"""GraphQL over HTTP on a lean ASGI path, in front of Django's request handling.

Django's handling of a request costs about 2.5 ms here, a cap on the API's throughput: a
thread is started for every request (even one with no database work) and the request crosses to
it and back for the `request_started` and `request_finished` signals (and once more to log a
4xx/5xx answer), and the URL resolver runs. The lean path keeps the disconnect watch. With
`GRAPHQL_LEAN_PATH` on (the default), HTTP requests for `/graphql` come here instead
(booknest/asgi.py); everything else (admin, media, health, metrics, static files, exports) still
goes to Django, and so does `/graphql` itself with the setting off.

The lean path keeps what a client or an operator sees by running the very same pieces, not
copies of them:
- the request: Django's `ASGIRequest`, built from the same scope and body by Django's own
  ASGI handler methods (body spooled to disk past FILE_UPLOAD_MAX_MEMORY_SIZE, body size limits,
  hosts checked by `get_host()`, the proxy's `X-Forwarded-Proto` by `is_secure()`);
- the middleware: every entry of settings.MIDDLEWARE, in its order, each instance wrapped the
  way Django wraps it (`convert_exception_to_response`: a disallowed host still becomes Django's
  400 page, with the headers of the middleware outside it) — request ids, the 503 for an
  unreachable database, CORS, security headers, CSRF for uploads, X-Frame-Options; the
  middleware that passes `/graphql` straight through (all but uploads: sessions, messages,
  static files, CSRF) is left out of the chain for those requests (booknest/middleware.py);
- their view hooks (`process_view`), exception hooks (`process_exception`) and Django's
  `log_response` for 4xx/5xx answers (on the `django.request` logger, as Django logs them);
- the view: schema.views.graphql_view, the one GraphQL view of both paths;
- Django's sending of the response (`send_response`), and its cancellation of the view when the
  client goes away before the answer.

What it leaves out is Django's bookkeeping around a request that has nothing to do for
`/graphql`: URL resolution (one path), `request_started` (its receivers reset a new thread's
query log and close its connections: it has none yet) and `request_finished` when the request
left no database connection open — it opened none, or gave back every one it opened, as a
compiled read does once it has its answer (the signal's receivers give connections back to the
pool; caches keep theirs). When a connection is still open, `request_finished` is sent as Django
sends it. As under
Django, each request's synchronous work (database calls) runs on one thread of its own while the
request is served — but a thread kept for the next request (`Threads`), not one started and
joined again for every request (a thread start and a joining thread per request cost about a
sixth of the path's CPU).
"""

import asyncio
import contextvars
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, suppress

from asgiref.sync import ThreadSensitiveContext, iscoroutinefunction, sync_to_async
from django.conf import settings
from django.core import signals
from django.core.exceptions import MiddlewareNotUsed, RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.db.backends.signals import connection_created
from django.test.signals import setting_changed
from django.urls import set_script_prefix
from django.utils.log import log_response
from django.utils.module_loading import import_string

from booknest.internals.asgiref import called_from_sync_thread
from booknest.middleware import API_PATH, is_upload

# The database connections opened by the request being served (see `LeanGraphQL.handle`).
_opened: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "booknest_lean_opened", default=None
)


def _note_connection(sender, connection, **kwargs) -> None:
    # Connections open in the request's thread, which inherits the request's context.
    opened = _opened.get()
    if opened is not None:
        opened.append(connection)


def still_open(opened: list) -> bool:
    """Whether a connection the request opened is still open (its wrapper holds a connection;
    one closed — given back to the pool — holds None)."""
    return any(connection.connection is not None for connection in opened)


connection_created.connect(_note_connection, dispatch_uid="booknest-lean-connections")


def path_info(scope: dict) -> str:
    """The request's path below the script prefix, as Django's `request.path_info` has it."""
    return scope["path"].removeprefix(get_script_prefix(scope))


class Threads:
    """Single-thread executors lent to one request at a time, as its thread-sensitive thread.

    What `ThreadSensitiveContext()` gives each request under Django (one thread for all of the
    request's synchronous calls, in order, so its database connection stays on that thread), from
    threads kept between requests. A request's calls still queue on its own thread only; an
    executor is given back when the request is done (a call the request left running — a
    cancelled request — simply runs before the next request's first one). At most `keep` idle
    executors are kept; a burst beyond that starts threads that are let go afterwards. Called
    through `async_to_sync` (a test's client), the calling thread serves, as under Django.
    """

    def __init__(self, keep: int = 64) -> None:
        self.keep = keep
        self.idle: deque[ThreadPoolExecutor] = deque()

    @asynccontextmanager
    async def lend(self):
        if called_from_sync_thread():  # that thread is the request's, as under Django (tests)
            async with ThreadSensitiveContext():
                yield
            return
        executor = self.idle.pop() if self.idle else ThreadPoolExecutor(1, "booknest-request")
        try:
            async with ThreadSensitiveContext(executor=executor):
                yield
        finally:
            if len(self.idle) < self.keep:
                self.idle.append(executor)
            else:
                executor.shutdown(wait=False)


class Transport(ASGIHandler):
    """Django's ASGI handler for reading a request and sending a response only: the lean path
    builds its own middleware chain (`Chain`), not Django's."""

    def __init__(self) -> None:
        BaseHandler.__init__(self)  # not ASGIHandler's: it would load Django's middleware


class Chain:
    """settings.MIDDLEWARE around the GraphQL view, built as Django builds its chain, with the
    view called directly instead of through the URL resolver.

    With `api_only`, the middleware that passes every `/graphql` request but uploads straight
    through (`passes_api_requests`: booknest/middleware.py) is left out: the chain for the API's
    other requests, the same answers with fewer layers.
    """

    def __init__(self, *, api_only: bool = False) -> None:
        from schema.views import graphql_view

        self.view = graphql_view
        self.view_hooks = []
        self.exception_hooks = []
        handler = convert_exception_to_response(self.call_view)
        for path in reversed(settings.MIDDLEWARE):
            middleware = import_string(path)
            if not getattr(middleware, "async_capable", False):
                raise RuntimeError(f"GRAPHQL_LEAN_PATH needs async middleware; {path} is not.")
            if api_only and getattr(middleware, "passes_api_requests", False):
                continue
            try:
                instance = middleware(handler)
            except MiddlewareNotUsed:
                continue
            if hasattr(instance, "process_view"):
                self.view_hooks.insert(0, instance.process_view)
            if hasattr(instance, "process_exception"):
                self.exception_hooks.append(instance.process_exception)
            handler = convert_exception_to_response(instance)
        self.handler = handler

    async def call_view(self, request):
        for hook in self.view_hooks:
            response = await call_hook(hook, request, self.view, (), {})
            if response is not None:
                return response
        try:
            return await self.view(request)
        except Exception as exc:
            # Like Django: the innermost middleware's hook first; unhandled, the exception
            # becomes Django's 500 (convert_exception_to_response) on its way out.
            for hook in self.exception_hooks:
                response = await call_hook(hook, request, exc)
                if response is not None:
                    return response
            raise


async def call_hook(hook, *args):
    """A middleware hook, awaited if it is a coroutine function, else in a thread (as Django)."""
    if iscoroutinefunction(hook):
        return await hook(*args)
    return await sync_to_async(hook)(*args)


class LeanGraphQL:
    """The ASGI application for HTTP: `/graphql` on the lean path, anything else to Django."""

    def __init__(self, django_app) -> None:
        self.django_app = django_app
        self.transport = Transport()
        self.chains: dict[bool, Chain] = {}  # api_only → chain (made on first use)
        self.threads = Threads()
        # Middleware reads some settings when it is made (SecurityMiddleware): a test that
        # changes settings gets a chain made with them, as Django's test client does.
        setting_changed.connect(self._forget_chains, weak=False)

    def _forget_chains(self, **kwargs) -> None:
        self.chains.clear()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and settings.GRAPHQL_LEAN_PATH and path_info(scope) == API_PATH:
            async with self.threads.lend():
                await self.handle(scope, receive, send)
        else:
            await self.django_app(scope, receive, send)

    async def handle(self, scope, receive, send) -> None:
        try:
            body_file = await self.transport.read_body(receive)
        except RequestAborted:
            return
        set_script_prefix(get_script_prefix(scope))
        request, error_response = self.transport.create_request(scope, body_file)
        if request is None:  # an undecodable path or an oversized form: Django's plain answer
            body_file.close()
            await self.transport.send_response(error_response, send)
            return
        opened: list = []
        token = _opened.set(opened)
        try:
            await self.respond_unless_aborted(request, receive, send)
        finally:
            _opened.reset(token)
            request.close()  # uploaded files
            body_file.close()
            if still_open(opened):  # give them back (to the pool), in the thread that has them
                await sync_to_async(signals.request_finished.send)(sender=type(self))

    async def respond_unless_aborted(self, request, receive, send) -> None:
        """Serve the request; cancel it, as Django does, if the client disconnects first."""
        serving = asyncio.create_task(self.respond(request, send))
        listening = asyncio.create_task(self.transport.listen_for_disconnect(receive))
        await asyncio.wait((serving, listening), return_when=asyncio.FIRST_COMPLETED)
        for task in (listening, serving):
            if not task.done():
                task.cancel()
                with suppress(asyncio.CancelledError):
                    await task
            elif not task.cancelled():
                with suppress(RequestAborted):  # the client went away: nobody to answer
                    task.result()

    async def respond(self, request, send) -> None:
        api_only = not is_upload(request)
        chain = self.chains.get(api_only)
        if chain is None:
            chain = self.chains[api_only] = Chain(api_only=api_only)
        response = await chain.handler(request)
        if response.status_code >= 400:
            log_response(
                "%s: %s", response.reason_phrase, request.path, response=response, request=request
            )
        with suppress(asyncio.CancelledError):  # the client went away during the sending
            await self.transport.send_response(response, send)
