"""Lending: physical copies readers share, and the first-come reservation queue per book."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.core.models import TimeStampedModel, choices_check


class CopyCondition(models.TextChoices):
    NEW = "new", "New"
    LIKE_NEW = "like_new", "Like new"
    GOOD = "good", "Good"
    FAIR = "fair", "Fair"
    POOR = "poor", "Poor"


class BookCopy(TimeStampedModel):
    """A physical copy of a book that its owner lends out."""

    book = models.ForeignKey("catalog.Book", on_delete=models.CASCADE, related_name="copies")
    # Which edition the copy is (one of the book's); null when unknown.
    edition = models.ForeignKey(
        "catalog.Edition", null=True, blank=True, on_delete=models.PROTECT, related_name="copies"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="book_copies"
    )
    condition = models.CharField(
        max_length=10, choices=CopyCondition.choices, default=CopyCondition.GOOD
    )
    location = models.CharField(max_length=200, blank=True)
    notes = models.TextField(max_length=2000, blank=True)
    is_active = models.BooleanField(default=True, help_text="Withdrawn copies are not lent.")

    class Meta:
        verbose_name_plural = "book copies"
        indexes = [models.Index(fields=["book", "is_active"], name="copy_book_active")]
        constraints = [choices_check("condition", CopyCondition, "copy_condition_valid")]

    def __str__(self) -> str:
        return f"{self.book} ({self.owner})"


class ReservationStatus(models.TextChoices):
    WAITING = "waiting", "Waiting in the queue"
    READY = "ready", "Ready for pickup"
    ON_LOAN = "on_loan", "On loan"
    RETURNED = "returned", "Returned"
    CANCELLED = "cancelled", "Cancelled"
    EXPIRED = "expired", "Expired"


ACTIVE_STATUSES = [ReservationStatus.WAITING, ReservationStatus.READY, ReservationStatus.ON_LOAN]
HOLDING_STATUSES = [ReservationStatus.READY, ReservationStatus.ON_LOAN]


class Reservation(models.Model):
    """A reader's place in a book's queue, and then the loan of one copy.

    The queue is ordered by `reserved_at` (then id). A copy is attached when the reservation
    becomes ready; a copy is held by at most one ready-or-on-loan reservation at a time.
    """

    book = models.ForeignKey("catalog.Book", on_delete=models.CASCADE, related_name="reservations")
    copy = models.ForeignKey(
        BookCopy, null=True, blank=True, on_delete=models.PROTECT, related_name="reservations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reservations"
    )
    status = models.CharField(
        max_length=10, choices=ReservationStatus.choices, default=ReservationStatus.WAITING
    )
    reserved_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    pickup_deadline = models.DateTimeField(null=True, blank=True)
    loaned_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True, help_text="Cancelled or expired at.")
    # Set by `process_reservations` so each reminder goes out once per loan.
    due_soon_notified_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["reserved_at", "id"]
        indexes = [
            models.Index(
                fields=["book", "reserved_at", "id"],
                condition=Q(status="waiting"),
                name="reservation_queue",
            ),
            models.Index(fields=["user", "status"], name="reservation_user_status"),
        ]
        constraints = [
            choices_check("status", ReservationStatus, "reservation_status_valid"),
            models.UniqueConstraint(
                fields=["copy"],
                condition=Q(status__in=HOLDING_STATUSES),
                name="reservation_one_holder_per_copy",
            ),
            models.UniqueConstraint(
                fields=["user", "book"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="reservation_one_active_per_reader_book",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=HOLDING_STATUSES) | Q(copy__isnull=False),
                name="reservation_holding_has_copy",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReservationStatus.ON_LOAN)
                | (Q(loaned_at__isnull=False) & Q(due_at__isnull=False)),
                name="reservation_loan_has_dates",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReservationStatus.RETURNED) | Q(returned_at__isnull=False),
                name="reservation_returned_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReservationStatus.READY)
                | (Q(ready_at__isnull=False) & Q(pickup_deadline__isnull=False)),
                name="reservation_ready_has_deadline",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[ReservationStatus.CANCELLED, ReservationStatus.EXPIRED])
                | Q(ended_at__isnull=False),
                name="reservation_ended_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.book_id} · {self.status}"
