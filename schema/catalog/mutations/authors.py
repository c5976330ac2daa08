"""Author mutations: create and update authors of the catalogue."""

from typing import Annotated

import strawberry
from strawberry import relay

from apps.catalog import services_authors
from schema.auth import require_user
from schema.catalog.inputs import CreateAuthorInput, UpdateAuthorInput, given
from schema.catalog.mutations.common import ERRORS, LIBRARIANS_ONLY, arg
from schema.catalog.types import AuthorType
from schema.context import Info
from schema.errors import MutationError, decode_id, run

AUTHOR_OBJECT = "The author as they now are; null when there are errors."


@strawberry.type(description="Result of `createAuthor`.")
class CreateAuthorPayload:
    author: AuthorType | None = strawberry.field(description=AUTHOR_OBJECT)
    errors: list[MutationError] = strawberry.field(description=ERRORS)


@strawberry.type(description="Result of `updateAuthor`.")
class UpdateAuthorPayload:
    author: AuthorType | None = strawberry.field(description=AUTHOR_OBJECT)
    errors: list[MutationError] = strawberry.field(description=ERRORS)


@strawberry.type
class AuthorMutation:
    @strawberry.mutation(
        description="Add an author. A death year before the birth year is INVALID; an external "
        f"id another author has is a CONFLICT. {LIBRARIANS_ONLY}"
    )
    async def create_author(
        self, info: Info, input: Annotated[CreateAuthorInput, arg("The new author.")]
    ) -> CreateAuthorPayload:
        user = require_user(info)
        outcome = await run(lambda: services_authors.create_author(user, **given(input)))
        return CreateAuthorPayload(author=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description="Change an author: fields left out stay as they are, null clears. The id "
        f"of an author merged into another is NOT_FOUND (edit the survivor). {LIBRARIANS_ONLY}"
    )
    async def update_author(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, arg("The author's global id.")],
        input: Annotated[UpdateAuthorInput, arg("The changes.")],
    ) -> UpdateAuthorPayload:
        user = require_user(info)
        outcome = await run(
            lambda: services_authors.update_author(
                user, decode_id(id, "Author", field="id"), **given(input)
            )
        )
        return UpdateAuthorPayload(author=outcome.value, errors=outcome.errors)
