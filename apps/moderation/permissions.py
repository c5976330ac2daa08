"""Who moderates: staff, and holders of the `moderation.moderate` permission — given to a user
directly or through a group (e.g. a "Moderators" group made in the admin)."""

from django.contrib.auth.models import Permission
from django.db.models import Exists, Q

from apps.accounts.models import User

PERMISSION = "moderation.moderate"


def _moderate_permission():
    return Permission.objects.filter(codename="moderate", content_type__app_label="moderation")


def moderators_q() -> Q:
    """Active staff, superusers and holders of `moderation.moderate` (a filter on users)."""
    permission = _moderate_permission()
    return Q(is_active=True) & (
        Q(is_staff=True)
        | Q(is_superuser=True)
        | Q(user_permissions__in=permission)
        | Q(groups__permissions__in=permission)
    )


def viewer_moderates(viewer) -> Exists | Q:
    """True in SQL when `viewer` is a moderator: rules of node types stay one statement and
    read nothing while a query is planned."""
    if viewer is None or not viewer.is_authenticated:
        return Q(pk__in=[])
    return Q(Exists(User.objects.filter(moderators_q(), pk=viewer.pk)))


def is_moderator(user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return User.objects.filter(moderators_q(), pk=user.pk).exists()
