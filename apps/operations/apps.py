"""Registered GraphQL operations: the allow-list of persisted queries (issue 9)."""

from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "apps.operations"
    label = "operations"
    verbose_name = "Registered operations"

    def ready(self) -> None:
        from apps.operations import registry

        registry.connect_signals()
