"""ASGI entry point served by daphne.

HTTP goes through Django's own handler (so middleware, CSRF and the async GraphQL view run);
only WebSockets are routed through Channels, to the GraphQL consumer at the same path.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "booknest.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import path  # noqa: E402

from schema.ws import GraphQLWSConsumer  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            URLRouter([path("graphql", GraphQLWSConsumer.as_asgi())])
        ),
    }
)
