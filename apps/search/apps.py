"""Search: documents kept in step with the catalogue and readers, and the engines that query them."""

from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "apps.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from apps.search import signals  # noqa: F401 - connects the indexing receivers
