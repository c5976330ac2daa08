"""Every user has a profile, however the user was made (sign-up, createsuperuser, the admin)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from apps.accounts.models import Profile, User


@receiver(post_save, sender=User, dispatch_uid="accounts.create_profile")
def create_profile(sender, instance: User, created: bool, raw: bool = False, **kwargs) -> None:
    # `raw`: loading a fixture, which brings its own profiles.
    if created and not raw:
        Profile.objects.get_or_create(user=instance)
