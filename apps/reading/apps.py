"""Shelves and reading status, ratings, reviews, reading lists and goals."""

from django.apps import AppConfig


class ReadingConfig(AppConfig):
    name = "apps.reading"
    label = "reading"
    verbose_name = "Reading"

    def ready(self) -> None:
        from apps.reading import receivers  # noqa: F401 - connects the signal receivers
