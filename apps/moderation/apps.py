"""Reports of abuse and what moderators do about them."""

from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "apps.moderation"
    label = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        from apps.moderation import kinds  # noqa: F401 - registers the subjects of this app
