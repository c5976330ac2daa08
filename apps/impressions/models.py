"""Quotes readers keep from books, and their view of how a book feels (StoryGraph's traits)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from apps.core.models import ModerationStatus, Privacy, TimeStampedModel, choices_check


class Quote(TimeStampedModel):
    """A passage a reader kept from a book, with its own privacy and spoiler flag.

    `likes_count` orders `Book.quotes(order: POPULAR)`: the number of its likes, kept exact in
    the transaction of each `like`/`unlike` (`apps.conversation.likes`) and recomputed when a
    liker's account is deleted (`apps.accounts.deletion`).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quotes"
    )
    book = models.ForeignKey("catalog.Book", on_delete=models.CASCADE, related_name="quotes")
    text = models.TextField(max_length=2_000)
    page = models.PositiveIntegerField(null=True, blank=True)
    spoiler = models.BooleanField(default=False)
    privacy = models.CharField(max_length=10, choices=Privacy.choices, default=Privacy.PUBLIC)
    likes_count = models.PositiveIntegerField(default=0)
    moderation_status = models.CharField(
        max_length=10, choices=ModerationStatus.choices, default=ModerationStatus.VISIBLE
    )

    class Meta:
        indexes = [
            models.Index(fields=["book", "-created_at", "-id"], name="quote_book_newest"),
            models.Index(
                fields=["book", "-likes_count", "-created_at", "-id"], name="quote_book_popular"
            ),
            models.Index(fields=["user", "-created_at", "-id"], name="quote_user"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="quote_text_not_empty"),
            choices_check("privacy", Privacy, "quote_privacy_valid"),
            choices_check("moderation_status", ModerationStatus, "quote_moderation_valid"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Mood(models.TextChoices):
    ADVENTUROUS = "adventurous", "Adventurous"
    CHALLENGING = "challenging", "Challenging"
    DARK = "dark", "Dark"
    EMOTIONAL = "emotional", "Emotional"
    FUNNY = "funny", "Funny"
    HOPEFUL = "hopeful", "Hopeful"
    INFORMATIVE = "informative", "Informative"
    INSPIRING = "inspiring", "Inspiring"
    LIGHTHEARTED = "lighthearted", "Lighthearted"
    MYSTERIOUS = "mysterious", "Mysterious"
    REFLECTIVE = "reflective", "Reflective"
    RELAXING = "relaxing", "Relaxing"
    SAD = "sad", "Sad"
    TENSE = "tense", "Tense"


class Pace(models.TextChoices):
    SLOW = "slow", "Slow"
    MEDIUM = "medium", "Medium"
    FAST = "fast", "Fast"


class Driver(models.TextChoices):
    PLOT = "plot", "Plot-driven"
    CHARACTER = "character", "Character-driven"
    MIX = "mix", "A mix"


class Severity(models.TextChoices):
    """Ordered from the mildest: the graver wins a tie (`apps.impressions.traits`)."""

    MINOR = "minor", "Minor"
    MODERATE = "moderate", "Moderate"
    GRAPHIC = "graphic", "Graphic"


class ContentWarning(models.Model):
    """A name readers may tag a book with ("Violence", "Grief"): a curated list staff extend."""

    name = models.CharField(max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="content_warning_name_once"),
            models.CheckConstraint(condition=~Q(name=""), name="content_warning_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class BookTraitVote(TimeStampedModel):
    """One reader's view of how a book feels; the book's traits are counted from these rows."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trait_votes"
    )
    book = models.ForeignKey("catalog.Book", on_delete=models.CASCADE, related_name="trait_votes")
    pace = models.CharField(max_length=8, choices=Pace.choices, blank=True)
    driver = models.CharField(max_length=10, choices=Driver.choices, blank=True)

    class Meta:
        indexes = [models.Index(fields=["book", "pace"], name="trait_vote_book_pace")]
        constraints = [
            models.UniqueConstraint(fields=["user", "book"], name="trait_vote_once_per_user"),
            models.CheckConstraint(
                condition=Q(pace="") | Q(pace__in=Pace.values), name="trait_vote_pace_valid"
            ),
            models.CheckConstraint(
                condition=Q(driver="") | Q(driver__in=Driver.values),
                name="trait_vote_driver_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.book}"


class BookTraitMood(models.Model):
    """A mood in one reader's vote (the book is repeated so filters need no join)."""

    vote = models.ForeignKey(BookTraitVote, on_delete=models.CASCADE, related_name="moods")
    book = models.ForeignKey("catalog.Book", on_delete=models.CASCADE, related_name="+")
    mood = models.CharField(max_length=16, choices=Mood.choices)

    class Meta:
        indexes = [models.Index(fields=["book", "mood"], name="trait_mood_book")]
        constraints = [
            models.UniqueConstraint(fields=["vote", "mood"], name="trait_mood_once"),
            choices_check("mood", Mood, "trait_mood_valid"),
        ]

    def __str__(self) -> str:
        return self.mood


class BookTraitWarning(models.Model):
    """A content warning in one reader's vote, with how graphic they found it."""

    vote = models.ForeignKey(BookTraitVote, on_delete=models.CASCADE, related_name="warnings")
    book = models.ForeignKey("catalog.Book", on_delete=models.CASCADE, related_name="+")
    warning = models.ForeignKey(ContentWarning, on_delete=models.PROTECT, related_name="+")
    severity = models.CharField(max_length=10, choices=Severity.choices)

    class Meta:
        indexes = [models.Index(fields=["book", "warning"], name="trait_warning_book")]
        constraints = [
            models.UniqueConstraint(fields=["vote", "warning"], name="trait_warning_once"),
            choices_check("severity", Severity, "trait_warning_severity_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.warning_id} ({self.severity})"
