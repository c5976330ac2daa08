"""Reading services: the rules of shelves, the journal, ratings, reviews, lists, up next, goals.

Each function takes the acting user and plain arguments, runs in one transaction, records the
activities it causes in that transaction, and raises `apps.core.errors.ServiceError`
subclasses for expected failures.
"""

from apps.reading.services.goals import set_reading_goal
from apps.reading.services.journal import (
    add_journal_entry,
    delete_journal_entry,
    update_journal_entry,
    update_progress,
)
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
)
from apps.reading.services.upnext import add_to_up_next, move_in_up_next, remove_from_up_next

__all__ = [
    "add_journal_entry",
    "add_to_reading_list",
    "add_to_up_next",
    "create_reading_list",
    "create_review",
    "delete_journal_entry",
    "delete_reading_list",
    "delete_review",
    "move_in_reading_list",
    "move_in_up_next",
    "rate_book",
    "refresh_rating_stats",
    "remove_from_reading_list",
    "remove_from_shelves",
    "remove_from_up_next",
    "remove_rating",
    "set_reading_goal",
    "set_reading_status",
    "update_journal_entry",
    "update_progress",
    "update_reading_list",
    "update_review",
]
