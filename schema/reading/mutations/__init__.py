"""Reading mutations, one module per group, merged into one root type."""

from strawberry.tools import merge_types

from schema.reading.mutations.goals import GoalMutation
from schema.reading.mutations.journal import JournalMutation
from schema.reading.mutations.lists import ReadingListMutation
from schema.reading.mutations.ratings import RatingMutation
from schema.reading.mutations.reviews import ReviewMutation
from schema.reading.mutations.shelves import ShelfMutation
from schema.reading.mutations.upnext import UpNextMutation

ReadingMutation = merge_types(
    "ReadingMutation",
    (
        ShelfMutation,
        JournalMutation,
        RatingMutation,
        ReviewMutation,
        ReadingListMutation,
        UpNextMutation,
        GoalMutation,
    ),
)
