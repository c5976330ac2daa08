"""Reading services: the rules of shelves, ratings, reviews, reading lists and goals.

Each function takes the acting user and plain arguments, runs in one transaction, records the
activities it causes in that transaction, and raises `apps.core.errors.ServiceError`
subclasses for expected failures.
"""

from apps.reading.services.goals import set_reading_goal
from apps.reading.services.lists import (
    add_to_reading_list,
    create_reading_list,
    delete_reading_list,
    move_in_reading_list,
    remove_from_reading_list,
    update_reading_list,
)
from apps.reading.services.ratings import (
    rate_book,
    refresh_rating_stats,
    remove_rating,
)
from apps.reading.services.reviews import create_review, delete_review, update_review
from apps.reading.services.shelves import (
    remove_from_shelves,
    set_reading_status,
    update_progress,
)

__all__ = [
    "add_to_reading_list",
    "create_reading_list",
    "create_review",
    "delete_reading_list",
    "delete_review",
    "move_in_reading_list",
    "rate_book",
    "refresh_rating_stats",
    "remove_from_reading_list",
    "remove_from_shelves",
    "remove_rating",
    "set_reading_goal",
    "set_reading_status",
    "update_progress",
    "update_reading_list",
    "update_review",
]
