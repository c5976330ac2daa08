"""Downloading a personal data export through its signed link (apps/accounts/personal_export.py)."""

from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from apps.accounts.personal_export import export_for_link


@require_GET
def download_personal_export(request, token: str) -> FileResponse:
    export = export_for_link(token)
    if export is None:
        raise Http404("This export link is invalid or has expired.")
    try:
        stored = export.file.open("rb")
    except FileNotFoundError:
        raise Http404("This export is no longer available; start a new one.") from None
    name = f"booknest-data-{export.created_at:%Y%m%d}.zip"
    response = FileResponse(
        stored, as_attachment=True, filename=name, content_type="application/zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response
