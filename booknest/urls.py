"""URL routes: GraphQL over HTTP (Django's async view), the admin, health checks, media."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import path

from apps.accounts.views import download_personal_export
from apps.imports.views import download_export
from booknest import health, metrics
from schema.views import graphql_view

urlpatterns = [
    path("graphql", graphql_view, name="graphql"),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("exports/<str:token>", download_export, name="export-download"),
    path(
        "exports/personal/<str:token>",
        download_personal_export,
        name="personal-export-download",
    ),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
