"""ASGI entry point served by daphne.

HTTP requests for `/graphql` take the lean path (booknest/lean.py: Django's middleware and the
GraphQL view without Django's request handling around them) unless `GRAPHQL_LEAN_PATH` is off;
every other HTTP request goes through Django's own handler. WebSockets are routed through
Channels, to the GraphQL consumer at the same path.
"""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "booknest.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ChannelNameRouter, ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

from apps.imports.consumers import ImportWorker  # noqa: E402
from booknest.internals.daphne import (  # noqa: E402
    leave_bodies_to_the_application,
    pass_close_reasons,
)
from booknest.lean import LeanGraphQL  # noqa: E402
from schema.ws import BrowserOriginValidator, GraphQLWSConsumer  # noqa: E402

# WebSockets closed with a reason (a revoked session, an expired token) tell the client why.
pass_close_reasons()
# Request bodies are parsed once, by the application (daphne's Twisted would parse forms too).
leave_bodies_to_the_application()

application = ProtocolTypeRouter(
    {
        "http": LeanGraphQL(django_asgi_app),
        "websocket": BrowserOriginValidator(
            URLRouter([path("graphql", GraphQLWSConsumer.as_asgi())])
        ),
        # Background jobs for `runworker` processes (apps/imports/consumers.py).
        "channel": ChannelNameRouter({"imports": ImportWorker.as_asgi()}),
    }
)

# A server process holds many long-lived objects — the application itself, and about 850 per
# open WebSocket — and CPython's full collections walk them all: with 1,000 subscribers a full
# collection took up to 600 ms, a pause every delivery waited for (`bench live`: 16 full
# collections in one run, the fan-out's p99 460 ms when one fell inside it). The objects made at
# start-up are moved out of the collector's walks, and young collections run after 10,000
# net allocations instead of 700, so that full ones come far more rarely (one per run, fan-out p99
# under 200 ms). Garbage cycles are still collected; only less often.
gc.freeze()
gc.set_threshold(10_000, 10, 10)
