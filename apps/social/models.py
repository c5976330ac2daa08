"""Social: who follows whom, and the activity that feeds are made of."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q

from apps.core.models import Privacy, choices_check


class Follow(models.Model):
    """`follower` follows `followee`. Once per pair; nobody follows themselves."""

    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="following_set"
    )
    followee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follower_set"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["followee", "-created_at", "-id"], name="follow_followee"),
            models.Index(fields=["follower", "-created_at", "-id"], name="follow_follower"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="follow_once"),
            models.CheckConstraint(condition=~Q(follower=F("followee")), name="follow_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} → {self.followee_id}"


class Verb(models.TextChoices):
    SHELVED = "shelved", "shelved"
    STARTED = "started", "started reading"
    FINISHED = "finished", "finished reading"
    RATED = "rated", "rated"
    REVIEWED = "reviewed", "reviewed"
    LISTED = "listed", "added to a list"
    FOLLOWED = "followed", "followed"
    NOTED = "noted", "wrote in their journal about"


class Activity(models.Model):
    """Something a reader did, as shown in feeds: "Ada finished Dune".

    `target` is the object acted on (a book, a review, a list, a user); `book` repeats the
    book when there is one, so feeds can show and filter it without resolving the target.
    `privacy` is copied from the source when it is recorded (a private review leaves a
    private activity).
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activities"
    )
    verb = models.CharField(max_length=10, choices=Verb.choices)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    book = models.ForeignKey(
        "catalog.Book", null=True, blank=True, on_delete=models.CASCADE, related_name="activities"
    )
    data = models.JSONField(default=dict, blank=True)
    privacy = models.CharField(max_length=10, choices=Privacy.choices, default=Privacy.PUBLIC)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "activities"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["actor", "-created_at", "-id"], name="activity_actor"),
            models.Index(fields=["book", "-created_at", "-id"], name="activity_book"),
            models.Index(fields=["-created_at", "-id"], name="activity_recent"),
            models.Index(fields=["target_type", "target_id"], name="activity_target"),
        ]
        constraints = [
            choices_check("verb", Verb, "activity_verb_valid"),
            choices_check("privacy", Privacy, "activity_privacy_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.verb} {self.target_type_id}:{self.target_id}"


class Block(models.Model):
    """`blocker` blocked `blocked`: from then on neither sees nor reaches the other (both ways).

    The rule lives in `apps/social/blocking.py`; every visibility filter applies it.
    """

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_received"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["blocker", "-created_at", "-id"], name="block_blocker"),
            models.Index(fields=["blocked"], name="block_blocked"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
            models.CheckConstraint(condition=~Q(blocker=F("blocked")), name="block_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} ⊘ {self.blocked_id}"


class Mute(models.Model):
    """`muter` muted `muted`: the muted reader's activity, reviews and comments leave the
    muter's feed and notifications. One way; the muted reader notices nothing."""

    muter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mutes_made"
    )
    muted = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mutes_received"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["muter", "-created_at", "-id"], name="mute_muter"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["muter", "muted"], name="mute_once"),
            models.CheckConstraint(condition=~Q(muter=F("muted")), name="mute_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.muter_id} mutes {self.muted_id}"
