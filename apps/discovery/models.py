"""Discovery: precomputed book neighbours for recommendations, and the runs that made them."""

from django.db import models
from django.db.models import F, Q


class BookNeighbour(models.Model):
    """`neighbour` is liked by readers who liked `book` ("readers also enjoyed"), with a
    similarity `score` in (0, 1]. Written by `compute_neighbours`; each book keeps its best few."""

    # No index of its own: `neighbour_once` and `neighbour_best` both start with it.
    book = models.ForeignKey(
        "catalog.Book", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    neighbour = models.ForeignKey("catalog.Book", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["book", "-score", "neighbour"], name="neighbour_best")]
        constraints = [
            models.UniqueConstraint(fields=["book", "neighbour"], name="neighbour_once"),
            models.CheckConstraint(condition=~Q(book=F("neighbour")), name="neighbour_not_self"),
            models.CheckConstraint(condition=Q(score__gt=0), name="neighbour_score_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.book_id} ~ {self.neighbour_id} ({self.score:.3f})"


class NeighbourRun(models.Model):
    """One run of `compute_neighbours`: an incremental run refreshes the books whose ratings or
    shelves changed since the `started_at` of the last finished run."""

    full = models.BooleanField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    books = models.PositiveIntegerField(default=0, help_text="Books whose neighbours were written.")

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{'full' if self.full else 'incremental'} run at {self.started_at:%Y-%m-%d %H:%M}"
