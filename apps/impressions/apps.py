"""Impressions of books: quotes readers keep, and how a book feels (moods, pace, warnings)."""

from django.apps import AppConfig


class ImpressionsConfig(AppConfig):
    name = "apps.impressions"
    label = "impressions"
    verbose_name = "Quotes and book traits"

    def ready(self) -> None:
        from apps.impressions.quotes import register_report_subject

        register_report_subject()
