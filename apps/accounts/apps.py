"""Users, profiles, interests, social links and refresh tokens."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from apps.accounts import signals  # noqa: F401 - connects the receivers
