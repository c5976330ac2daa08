"""ASGI entry point served by daphne.

HTTP goes through Django's own handler (so middleware, CSRF and the async GraphQL view run);
only WebSockets are routed through Channels, to the GraphQL consumer at the same path.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "booknest.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ChannelNameRouter, ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

from apps.imports.consumers import ImportWorker  # noqa: E402
from schema.ws import BrowserOriginValidator, GraphQLWSConsumer  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": BrowserOriginValidator(
            URLRouter([path("graphql", GraphQLWSConsumer.as_asgi())])
        ),
        # Background jobs for `runworker` processes (apps/imports/consumers.py).
        "channel": ChannelNameRouter({"imports": ImportWorker.as_asgi()}),
    }
)
