"""Likes and comments on readers' reviews, reading lists and activities."""

from django.apps import AppConfig


class ConversationConfig(AppConfig):
    name = "apps.conversation"
    label = "conversation"
    verbose_name = "Conversation"

    def ready(self) -> None:
        from apps.conversation import receivers  # noqa: F401 - connects the signal receivers
