"""Follows and the activity that feeds are made of."""

from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "apps.social"
    label = "social"
    verbose_name = "Social"
