"""Demo data: a small, lively, deterministic world for `make run` and for trying the API."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "apps.demo"
    label = "demo"
    verbose_name = "Demo data"
