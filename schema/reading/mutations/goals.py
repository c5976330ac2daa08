"""Goal mutation: the viewer's yearly reading goal."""

from typing import Annotated

import strawberry

from apps.reading import services
from schema.auth import require_user
from schema.context import Info
from schema.errors import MutationError, run
from schema.reading.types import ReadingGoalType


def _arg(description: str):
    return strawberry.argument(description=description)


@strawberry.type(description="Result of `setReadingGoal`.")
class SetReadingGoalPayload:
    reading_goal: ReadingGoalType | None = strawberry.field(
        description="The goal as it now is, with progress; null when there are errors."
    )
    errors: list[MutationError] = strawberry.field(
        description="Expected failures; empty on success."
    )


@strawberry.type
class GoalMutation:
    @strawberry.mutation(
        description="Set the viewer's goal for a year (1900–2200) to exactly these targets: at "
        "least one of `books` and `pages`, each greater than zero. A target left out is "
        "cleared. Creates the goal, or replaces the year's targets. Requires login."
    )
    async def set_reading_goal(
        self,
        info: Info,
        year: Annotated[int, _arg("The calendar year.")],
        books: Annotated[int | None, _arg("Books to finish in the year.")] = None,
        pages: Annotated[int | None, _arg("Pages to read in the year.")] = None,
    ) -> SetReadingGoalPayload:
        user = require_user(info)
        outcome = await run(services.set_reading_goal, user, year, books=books, pages=pages)
        return SetReadingGoalPayload(reading_goal=outcome.value, errors=outcome.errors)
