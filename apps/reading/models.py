"""Reading: a reader's shelves and journal, ratings, reviews, reading lists, up next and goals."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from apps.core.models import ModerationStatus, Privacy, TimeStampedModel, choices_check

RATING_VALUES = [Decimal(n) / 2 for n in range(1, 11)]  # 0.5, 1.0, ... 5.0


class ReadingStatus(models.TextChoices):
    WANT_TO_READ = "want_to_read", "Want to read"
    READING = "reading", "Currently reading"
    READ = "read", "Read"
    PAUSED = "paused", "Paused"
    DID_NOT_FINISH = "did_not_finish", "Did not finish"


class UserBook(TimeStampedModel):
    """A book on a reader's shelves: its status, dates, progress and the reader's own notes.

    Progress is kept either in pages or in percent, never both.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="user_books"
    )
    book = models.ForeignKey("catalog.Book", on_delete=models.CASCADE, related_name="user_books")
    # The edition read (one of the book's); null: the reader did not say (the default applies).
    edition = models.ForeignKey(
        "catalog.Edition",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="user_books",
    )
    status = models.CharField(max_length=16, choices=ReadingStatus.choices)
    started_at = models.DateField(null=True, blank=True)
    finished_at = models.DateField(null=True, blank=True)
    progress_pages = models.PositiveIntegerField(null=True, blank=True)
    progress_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    read_count = models.PositiveSmallIntegerField(default=0)
    owned_copies = models.PositiveSmallIntegerField(default=0)
    private_notes = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["user", "status", "-updated_at"], name="userbook_shelf"),
            models.Index(fields=["book", "status"], name="userbook_book_status"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "book"], name="userbook_once_per_user"),
            choices_check("status", ReadingStatus, "userbook_status_valid"),
            models.CheckConstraint(
                condition=Q(started_at__isnull=True)
                | Q(finished_at__isnull=True)
                | Q(finished_at__gte=F("started_at")),
                name="userbook_finished_after_started",
            ),
            models.CheckConstraint(
                condition=Q(progress_percent__isnull=True)
                | (Q(progress_percent__gte=0) & Q(progress_percent__lte=100)),
                name="userbook_progress_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(progress_pages__isnull=True) | Q(progress_percent__isnull=True),
                name="userbook_progress_pages_or_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.book} · {self.status}"


class Rating(TimeStampedModel):
    """A reader's rating of a book, 0.5 to 5 stars in half steps; one per reader and book."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ratings"
    )
    book = models.ForeignKey("catalog.Book", on_delete=models.CASCADE, related_name="ratings")
    value = models.DecimalField(max_digits=2, decimal_places=1)

    class Meta:
        indexes = [models.Index(fields=["book", "value"], name="rating_book_value")]
        constraints = [
            models.UniqueConstraint(fields=["user", "book"], name="rating_once_per_user"),
            models.CheckConstraint(
                condition=Q(value__in=RATING_VALUES), name="rating_value_half_steps"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} rated {self.book} {self.value}"


class Review(TimeStampedModel):
    """A reader's review of a book; one per reader and book, with its own privacy."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    book = models.ForeignKey("catalog.Book", on_delete=models.CASCADE, related_name="reviews")
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(max_length=50_000)
    spoiler = models.BooleanField(default=False)
    privacy = models.CharField(max_length=10, choices=Privacy.choices, default=Privacy.PUBLIC)
    moderation_status = models.CharField(
        max_length=10, choices=ModerationStatus.choices, default=ModerationStatus.VISIBLE
    )

    class Meta:
        indexes = [
            models.Index(fields=["book", "privacy", "-created_at", "-id"], name="review_book"),
            models.Index(fields=["user", "-created_at", "-id"], name="review_user"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "book"], name="review_once_per_user"),
            models.CheckConstraint(condition=~Q(body=""), name="review_body_not_empty"),
            choices_check("privacy", Privacy, "review_privacy_valid"),
            choices_check("moderation_status", ModerationStatus, "review_moderation_valid"),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.user} on {self.book}"


class ReadingList(TimeStampedModel):
    """A reader's own ordered list of books ("Summer 2026", "Best of sci-fi")."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_lists"
    )
    name = models.CharField(max_length=150)
    description = models.TextField(max_length=5000, blank=True)
    privacy = models.CharField(max_length=10, choices=Privacy.choices, default=Privacy.PUBLIC)
    moderation_status = models.CharField(
        max_length=10, choices=ModerationStatus.choices, default=ModerationStatus.VISIBLE
    )
    books = models.ManyToManyField(
        "catalog.Book", through="ReadingListItem", related_name="reading_lists", blank=True
    )

    class Meta:
        ordering = ["owner", "name"]
        constraints = [
            models.UniqueConstraint("owner", Lower("name"), name="reading_list_name_once"),
            models.CheckConstraint(condition=~Q(name=""), name="reading_list_name_not_empty"),
            choices_check("privacy", Privacy, "reading_list_privacy_valid"),
            choices_check("moderation_status", ModerationStatus, "reading_list_moderation_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class ReadingListItem(models.Model):
    """A book in a reading list, at `position` (ascending), with the owner's note."""

    reading_list = models.ForeignKey(ReadingList, on_delete=models.CASCADE, related_name="items")
    book = models.ForeignKey("catalog.Book", on_delete=models.CASCADE, related_name="list_items")
    position = models.PositiveIntegerField()
    note = models.TextField(max_length=2000, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reading_list", "position", "id"]
        indexes = [models.Index(fields=["reading_list", "position", "id"], name="list_item_order")]
        constraints = [
            models.UniqueConstraint(fields=["reading_list", "book"], name="list_item_book_once"),
        ]

    def __str__(self) -> str:
        return f"{self.book} in {self.reading_list}"


class ReadingGoal(TimeStampedModel):
    """A reader's target for a year: a number of books, of pages, of minutes, or several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_goals"
    )
    year = models.PositiveSmallIntegerField()
    books_target = models.PositiveIntegerField(null=True, blank=True)
    pages_target = models.PositiveIntegerField(null=True, blank=True)
    minutes_target = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["user", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["user", "year"], name="reading_goal_once_per_year"),
            # NULL comparisons are NULL, and a NULL check passes: test for NULL explicitly.
            models.CheckConstraint(
                condition=Q(books_target__isnull=False)
                | Q(pages_target__isnull=False)
                | Q(minutes_target__isnull=False),
                name="reading_goal_has_target",
            ),
            models.CheckConstraint(
                condition=(Q(books_target__isnull=True) | Q(books_target__gt=0))
                & (Q(pages_target__isnull=True) | Q(pages_target__gt=0))
                & (Q(minutes_target__isnull=True) | Q(minutes_target__gt=0)),
                name="reading_goal_targets_positive",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1900) & Q(year__lte=2200), name="reading_goal_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.year}"


class JournalEntry(TimeStampedModel):
    """A moment in a read: how far the reader is (pages *or* percent), a note, or both.

    Progress updates are journal entries: the shelf entry's `progress_*` columns repeat the
    newest entry's progress (what lists show), the entries are the history.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journal_entries"
    )
    user_book = models.ForeignKey(
        UserBook, on_delete=models.CASCADE, related_name="journal_entries"
    )
    page = models.PositiveIntegerField(null=True, blank=True)
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    note = models.TextField(max_length=10_000, blank=True)
    spoiler = models.BooleanField(default=False)
    privacy = models.CharField(max_length=10, choices=Privacy.choices, default=Privacy.PUBLIC)

    class Meta:
        verbose_name_plural = "journal entries"
        indexes = [
            models.Index(fields=["user_book", "-created_at", "-id"], name="journal_user_book"),
            models.Index(fields=["user", "-created_at", "-id"], name="journal_user"),
        ]
        constraints = [
            choices_check("privacy", Privacy, "journal_privacy_valid"),
            models.CheckConstraint(
                condition=Q(page__isnull=True) | Q(percent__isnull=True),
                name="journal_page_or_percent",
            ),
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | (Q(percent__gte=0) & Q(percent__lte=100)),
                name="journal_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(page__isnull=False) | Q(percent__isnull=False) | ~Q(note=""),
                name="journal_progress_or_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_book} · {self.created_at:%Y-%m-%d}"


UP_NEXT_MAX = 10


class UpNextItem(models.Model):
    """A book in a reader's "up next" queue, at `position` (0 is next); at most 10, dense."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="up_next"
    )
    book = models.ForeignKey("catalog.Book", on_delete=models.CASCADE, related_name="up_next")
    position = models.PositiveSmallIntegerField()
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user", "position"]
        constraints = [
            models.UniqueConstraint(fields=["user", "book"], name="up_next_book_once"),
            models.CheckConstraint(
                condition=Q(position__lt=UP_NEXT_MAX), name="up_next_at_most_ten"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.position} · {self.book}"
