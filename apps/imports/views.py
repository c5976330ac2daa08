"""Downloading a library export through its signed link (see apps.imports.export)."""

from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from apps.imports.export import export_text, read_link


@require_GET
def download_export(request, token: str) -> HttpResponse:
    link = read_link(token)
    if link is None:
        raise Http404("This export link is invalid or has expired.")
    user_id, fmt = link
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise Http404("This export link is invalid or has expired.")
    response = HttpResponse(export_text(user, fmt), content_type="text/csv; charset=utf-8")
    name = f"booknest-library-{fmt}-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
