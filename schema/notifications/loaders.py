"""Notification loaders: the kinds, a handful of rows every page shares."""

from apps.notifications.models import NotificationType
from booknest.internals.prepared import PreparedById
from schema.loaders import ByIdLoader


class NotificationKindByIdLoader(ByIdLoader[NotificationType]):
    rows = PreparedById(NotificationType)
