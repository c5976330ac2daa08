"""A comment that goes takes its notifications with it: they quote its text (`excerpt`), which
must not outlive it. Whatever deletes it — `deleteComment`, its review or list deleted, its
author's account deleted — Django sends `post_delete` for each comment (replies included)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete
from django.dispatch import receiver

from apps.conversation.models import Comment
from apps.notifications.models import Notification


@receiver(post_delete, sender=Comment)
def forget_notifications_of_comment(sender, instance: Comment, **kwargs) -> None:
    Notification.objects.filter(
        target_type=ContentType.objects.get_for_model(Comment), target_id=instance.pk
    ).delete()
