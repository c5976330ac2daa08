"""Bench-only settings: BookNest's own, plus Django REST Framework and the comparison URLs.

Never used in production: `bench.throughput` serves `booknest.asgi` with these settings so that
BookNest's `/graphql`, the hand-written floor and the DRF endpoint share one daphne process, one
database pool and one set of middleware.
"""

from booknest.settings import *  # noqa: F403
from booknest.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "rest_framework"]
ROOT_URLCONF = "bench.compare.urls"
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
}
