"""Bounding how much of an uploaded file the server keeps while the request is read.

Django streams file parts to memory (small) or a temporary file (large) with no size limit.
`BoundedUploadHandler` runs first: it passes each chunk on while the file is within
`FILE_UPLOAD_KEEP_MAX_BYTES` (the largest any mutation accepts: images' `UPLOAD_MAX_BYTES`,
imports' `IMPORT_MAX_BYTES`) and drops the rest, still counting it. A file part over the limit becomes an
empty `OversizedUpload` with its real size, so the service refuses it as TOO_LARGE (a typed
error in the payload, like every other refusal) without ever holding the excess.
"""

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class OversizedUpload(SimpleUploadedFile):
    """A file part that was larger than allowed: its name and size, but none of its bytes."""

    def __init__(self, name: str, content_type: str, size: int):
        super().__init__(name, b"", content_type)
        self.size = size


class BoundedUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > settings.FILE_UPLOAD_KEEP_MAX_BYTES:
            return None  # the next handlers never see bytes past the limit
        return raw_data

    def file_complete(self, file_size: int):
        if file_size > settings.FILE_UPLOAD_KEEP_MAX_BYTES:
            return OversizedUpload(self.file_name, self.content_type, file_size)
        return None  # within the limit: the next handler (memory or disk) has the whole file
