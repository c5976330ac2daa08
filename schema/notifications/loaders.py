"""Notification loaders: the kinds, a handful of rows every page shares."""

from apps.core.prepared import PreparedById
from apps.notifications.models import NotificationType
from schema.loaders import ByIdLoader


class NotificationKindByIdLoader(ByIdLoader[NotificationType]):
    rows = PreparedById(NotificationType)
