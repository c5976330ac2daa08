"""Goal mutation: the viewer's yearly reading goal."""

from typing import Annotated

import strawberry

from apps.core.errors import ErrorCode
from apps.reading import services
from schema.auth import require_user
from schema.context import Info
from schema.errors import MutationError, run
from schema.reading.inputs import ReadingGoalInput
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
        "least one of books, pages and minutes, each greater than zero, given in `input` (or, "
        "as before, as the `books` and `pages` arguments; not both ways: INVALID). A target "
        "left out is cleared. Creates the goal, or replaces the year's targets. Requires login."
    )
    async def set_reading_goal(
        self,
        info: Info,
        year: Annotated[int, _arg("The calendar year.")],
        books: Annotated[int | None, _arg("Books to finish in the year.")] = None,
        pages: Annotated[int | None, _arg("Pages to read in the year.")] = None,
        input: Annotated[
            ReadingGoalInput | None, _arg("The targets: books, pages, minutes.")
        ] = None,
    ) -> SetReadingGoalPayload:
        user = require_user(info)
        if input is not None and (books is not None or pages is not None):
            error = MutationError(
                code=ErrorCode.INVALID,
                field="input",
                message="Give the targets in `input` or as arguments, not both.",
            )
            return SetReadingGoalPayload(reading_goal=None, errors=[error])
        if input is not None:
            books, pages, minutes = input.books, input.pages, input.minutes
        else:
            minutes = None
        outcome = await run(
            services.set_reading_goal, user, year, books=books, pages=pages, minutes=minutes
        )
        return SetReadingGoalPayload(reading_goal=outcome.value, errors=outcome.errors)
