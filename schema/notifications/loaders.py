"""Notification loaders: the kinds, a handful of rows every page shares."""

from apps.notifications.models import NotificationType
from schema.loaders import Loader


class NotificationKindByIdLoader(Loader[int, NotificationType | None]):
    def batch_load(self, keys):
        kinds = NotificationType.objects.in_bulk(keys)
        return [kinds.get(key) for key in keys]
