"""Shared copies of books and the reservation queue."""

from django.apps import AppConfig


class LendingConfig(AppConfig):
    name = "apps.lending"
    label = "lending"
    verbose_name = "Lending"
