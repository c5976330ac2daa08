"""Follows and the activity that feeds are made of."""

from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "apps.social"
    label = "social"
    verbose_name = "Social"

    def ready(self) -> None:
        from apps.notifications.services import register_actor_rule
        from apps.social.blocking import silenced_q

        register_actor_rule(silenced_q)
