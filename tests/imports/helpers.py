from django.core.files.uploadedfile import SimpleUploadedFile

from apps.imports.jobs import start_import
from apps.imports.models import ImportJob


def run_import(django_capture_on_commit_callbacks, user, text: str, fmt: str = "auto"):
    """Uploads `text` as `user` and runs the job (IMPORT_RUNNER=inline); the finished job."""
    upload = SimpleUploadedFile("library.csv", text.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        job = start_import(user, upload, fmt)
    return ImportJob.objects.get(pk=job.pk)


def errors_of(job) -> dict[int, str]:
    return dict(job.row_errors.values_list("row_number", "reason"))
