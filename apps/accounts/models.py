"""Accounts: the user, their public profile, interests, social links and refresh tokens."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from apps.core.models import ModerationStatus, Privacy, TimeStampedModel, choices_check


class BookNestUserManager(UserManager):
    def get_by_natural_key(self, username):
        # Usernames are unique regardless of case, so logging in is case-insensitive too.
        return self.get(username__iexact=username)


class User(AbstractUser):
    """A reader. Username and email are unique regardless of case.

    `token_version` is copied into every token issued; bumping it ("log out everywhere",
    password change) invalidates all of the user's access and refresh tokens at once.
    """

    email = models.EmailField("email address", max_length=254)
    token_version = models.PositiveIntegerField(default=0)
    # When the reader proved they receive mail at `email` (apps/accounts/email_flows.py); null
    # while unverified. Changing the address through `confirmEmailChange` verifies the new one.
    email_verified_at = models.DateTimeField(null=True, blank=True)
    # Suspended by a moderator (apps/accounts/suspension.py): since `suspended_at`, until
    # `suspended_until` (null: indefinitely). Null `suspended_at`: not suspended.
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_until = models.DateTimeField(null=True, blank=True)

    REQUIRED_FIELDS = ["email"]
    objects = BookNestUserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.CheckConstraint(condition=~Q(email=""), name="user_email_not_empty"),
            models.CheckConstraint(condition=~Q(username=""), name="user_username_not_empty"),
        ]
        indexes = [
            # The few suspended readers, whom every read leaves out (apps/social/blocking.py):
            # an index of them alone, so that leaving them out never scans all readers.
            models.Index(
                fields=["id"], condition=Q(suspended_at__isnull=False), name="user_suspended"
            ),
        ]

    def __str__(self) -> str:
        return self.username

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_suspended(self) -> bool:
        from django.utils import timezone

        if self.suspended_at is None:
            return False
        return self.suspended_until is None or self.suspended_until > timezone.now()


def avatar_path(profile: "Profile", filename: str) -> str:
    return f"avatars/{profile.user_id}/{filename}"


class Profile(TimeStampedModel):
    """What a reader shows of themselves, and who may see their shelves and activity."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(max_length=100, blank=True)
    bio = models.TextField(max_length=2000, blank=True)
    location = models.CharField(max_length=100, blank=True)
    website = models.URLField(max_length=300, blank=True)
    avatar = models.ImageField(upload_to=avatar_path, blank=True, max_length=300)
    privacy = models.CharField(max_length=10, choices=Privacy.choices, default=Privacy.PUBLIC)
    moderation_status = models.CharField(
        max_length=10, choices=ModerationStatus.choices, default=ModerationStatus.VISIBLE
    )

    class Meta:
        constraints = [
            choices_check("privacy", Privacy, "profile_privacy_valid"),
            choices_check("moderation_status", ModerationStatus, "profile_moderation_valid"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.user.username


class ProfileInterest(models.Model):
    """A genre from the catalogue, or a free-text interest ("cosy mysteries")."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="interests")
    genre = models.ForeignKey(
        "catalog.Genre", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    text = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(genre__isnull=False) & Q(text=""))
                | (Q(genre__isnull=True) & ~Q(text="")),
                name="interest_genre_xor_text",
            ),
            models.UniqueConstraint(
                fields=["profile", "genre"],
                condition=Q(genre__isnull=False),
                name="interest_genre_once",
            ),
            models.UniqueConstraint(
                "profile", Lower("text"), condition=~Q(text=""), name="interest_text_once"
            ),
        ]

    def __str__(self) -> str:
        return self.text or str(self.genre)


class SocialPlatform(models.TextChoices):
    WEBSITE = "website", "Website"
    MASTODON = "mastodon", "Mastodon"
    BLUESKY = "bluesky", "Bluesky"
    X = "x", "X (Twitter)"
    INSTAGRAM = "instagram", "Instagram"
    TIKTOK = "tiktok", "TikTok"
    YOUTUBE = "youtube", "YouTube"
    GOODREADS = "goodreads", "Goodreads"
    STORYGRAPH = "storygraph", "The StoryGraph"
    OTHER = "other", "Other"


class ProfileSocialLink(models.Model):
    """A link to the reader elsewhere; one per platform (any number of "other")."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="social_links")
    platform = models.CharField(max_length=20, choices=SocialPlatform.choices)
    url = models.URLField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            choices_check("platform", SocialPlatform, "social_link_platform_valid"),
            models.UniqueConstraint(
                fields=["profile", "platform"],
                condition=~Q(platform="other"),
                name="social_link_platform_once",
            ),
            models.UniqueConstraint(fields=["profile", "url"], name="social_link_url_once"),
        ]

    def __str__(self) -> str:
        return f"{self.platform}: {self.url}"


class RefreshToken(models.Model):
    """An opaque refresh token, stored as its SHA-256 only.

    Each use rotates it: the token is marked `rotated_at` and a successor in the same `family`
    is issued. Presenting a rotated token again means it leaked, so the whole family is revoked.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="refresh_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    family = models.UUIDField(db_index=True)
    token_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    rotated_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "expires_at"], name="refresh_token_user_exp")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="refresh_token_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"refresh token {self.pk} of {self.user_id}"


# Models kept in files of their own (one concern each), registered with the app from here.
from apps.accounts.models_email import EmailToken, EmailTokenPurpose  # noqa: E402
from apps.accounts.models_sessions import Session  # noqa: E402
from apps.accounts.models_tokens import (  # noqa: E402
    PersonalAccessToken,
    PersonalDataExport,
    PersonalExportStatus,
    TokenScope,
    TokenViewer,
)

__all__ = [
    "EmailToken",
    "EmailTokenPurpose",
    "PersonalAccessToken",
    "PersonalDataExport",
    "PersonalExportStatus",
    "Profile",
    "ProfileInterest",
    "ProfileSocialLink",
    "RefreshToken",
    "Session",
    "SocialPlatform",
    "TokenScope",
    "TokenViewer",
    "User",
]
