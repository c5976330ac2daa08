"""Uploaded images: checks, renditions, storage, and deleting files nothing points to."""

from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "apps.media"
    label = "media"
    verbose_name = "Media"

    def ready(self) -> None:
        from django.conf import settings
        from PIL import Image

        from apps.media import cleanup

        cleanup.connect()
        # Pillow's process-wide bomb guard warns above MAX_IMAGE_PIXELS (~89 MP) and refuses
        # above twice that. BookNest checks UPLOAD_MAX_PIXELS itself, from the header, before
        # decoding; the guard stays as a backstop, raised only if the setting is higher.
        Image.MAX_IMAGE_PIXELS = max(Image.MAX_IMAGE_PIXELS or 0, settings.UPLOAD_MAX_PIXELS)
