"""Yearly reading goals: a number of books, of pages, of listening minutes (any of them)."""

from django.db import transaction

from apps.core.errors import Invalid
from apps.reading.models import ReadingGoal

YEAR_MIN, YEAR_MAX = 1900, 2200  # as the database constraint: past years may be logged too


def set_reading_goal(
    user,
    year: int,
    books: int | None = None,
    pages: int | None = None,
    minutes: int | None = None,
):
    """Set the reader's goal for `year` to exactly these targets (creating it if needed).

    "Set" replaces: a target left out is cleared, so `books: 12` alone drops an earlier pages
    target. At least one target is required, and each must be positive.
    """
    targets = {"books": books, "pages": pages, "minutes": minutes}
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise Invalid(f"Year must be between {YEAR_MIN} and {YEAR_MAX}.", field="year")
    if all(value is None for value in targets.values()):
        raise Invalid("Set a number of books, of pages or of minutes (any of them).")
    for field, value in targets.items():
        if value is not None and value <= 0:
            raise Invalid("A target must be greater than zero.", field=field)
    with transaction.atomic():
        goal, _ = ReadingGoal.objects.update_or_create(
            user=user,
            year=year,
            defaults={f"{name}_target": value for name, value in targets.items()},
        )
    return goal
