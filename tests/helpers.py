"""Small helpers shared by tests."""


def without_cost(body: dict) -> dict:
    """A GraphQL response body without `extensions.cost`, which every response carries (the
    query's cost and the viewer's remaining budget, schema/limits/), for comparing whole bodies."""
    body = dict(body)
    extensions = dict(body.pop("extensions", None) or {})
    extensions.pop("cost", None)
    if extensions:
        body["extensions"] = extensions
    return body


def point_cache_at_a_dead_redis(settings, url: str = "redis://127.0.0.1:1/0") -> str:
    """The cache as production configures it with REDIS_URL (booknest/settings.py: django-redis,
    errors ignored, short timeouts), on `url`, where nothing listens; returns `url`."""
    settings.REDIS_URL = url
    settings.CACHES = {
        "default": {
            "BACKEND": "booknest.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    return url


async def open_graphql_ws(timeout: float = 10):
    """A `graphql-transport-ws` connection to the real ASGI application (Channels'
    communicator), initialised and acknowledged; the caller disconnects it."""
    from channels.testing import WebsocketCommunicator

    from booknest.asgi import application

    communicator = WebsocketCommunicator(
        application, "/graphql", subprotocols=["graphql-transport-ws"]
    )
    connected, _ = await communicator.connect(timeout=timeout)
    assert connected
    await communicator.send_json_to({"type": "connection_init", "payload": {}})
    assert (await communicator.receive_json_from(timeout))["type"] == "connection_ack"
    return communicator
