"""Impressions mutations: the viewer's quotes, their tags of how a book feels, and (staff)
the curated content warnings."""

from typing import Annotated

import strawberry
from strawberry import relay

from apps.impressions import quotes, traits
from schema.auth import require_user
from schema.catalog.types import BookType
from schema.context import Info
from schema.errors import MutationError, decode_id, run
from schema.impressions.inputs import BookTraitsInput, QuoteInput, UpdateQuoteInput
from schema.impressions.types import ContentWarningType, QuoteType

ERRORS = "Expected failures; empty on success."


def _arg(description: str):
    return strawberry.argument(description=description)


def _quote_id(quote_id: relay.GlobalID) -> int:
    return decode_id(quote_id, "Quote", field="id")


@strawberry.type(description="Result of `addQuote` and `updateQuote`.")
class QuotePayload:
    quote: QuoteType | None = strawberry.field(
        description="The quote as it now is; null when there are errors."
    )
    errors: list[MutationError] = strawberry.field(description=ERRORS)


@strawberry.type(description="Result of `deleteQuote`.")
class DeleteQuotePayload:
    deleted_id: relay.GlobalID | None = strawberry.field(
        description="Global id of the deleted quote; null when there are errors."
    )
    errors: list[MutationError] = strawberry.field(description=ERRORS)


@strawberry.type(description="Result of `setBookTraits`.")
class SetBookTraitsPayload:
    book: BookType | None = strawberry.field(
        description="The book, with its community `traits`; null when there are errors."
    )
    errors: list[MutationError] = strawberry.field(description=ERRORS)


@strawberry.type(description="Result of `addContentWarning`.")
class AddContentWarningPayload:
    content_warning: ContentWarningType | None = strawberry.field(
        description="The new content warning; null when there are errors."
    )
    errors: list[MutationError] = strawberry.field(description=ERRORS)


@strawberry.type
class ImpressionsMutation:
    @strawberry.mutation(
        description="Keep a passage of a book, with its privacy and spoiler flag (`editionId` "
        "is accepted and not stored until editions exist). Requires login."
    )
    async def add_quote(
        self,
        info: Info,
        book_id: Annotated[relay.GlobalID, _arg("The book quoted.")],
        input: Annotated[QuoteInput, _arg("The quote.")],
    ) -> QuotePayload:
        user = require_user(info)
        outcome = await run(
            lambda: quotes.add_quote(
                user,
                decode_id(book_id, "Book", field="bookId"),
                text=input.text,
                page=input.page,
                privacy=input.privacy,
                spoiler=input.spoiler,
            )
        )
        return QuotePayload(quote=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description="Change one of the viewer's quotes (NOT_FOUND when the viewer may not see "
        "it, NOT_ALLOWED when it is someone else's). Requires login."
    )
    async def update_quote(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, _arg("The quote's id.")],
        input: Annotated[UpdateQuoteInput, _arg("Changes.")],
    ) -> QuotePayload:
        user = require_user(info)
        outcome = await run(
            lambda: quotes.update_quote(
                user,
                _quote_id(id),
                text=input.text,
                page=input.page,
                privacy=input.privacy,
                spoiler=input.spoiler,
            )
        )
        return QuotePayload(quote=outcome.value, errors=outcome.errors)

    @strawberry.mutation(description="Delete one of the viewer's quotes. Requires login.")
    async def delete_quote(
        self, info: Info, id: Annotated[relay.GlobalID, _arg("The quote's id.")]
    ) -> DeleteQuotePayload:
        user = require_user(info)
        outcome = await run(lambda: quotes.delete_quote(user, _quote_id(id)))
        deleted = relay.GlobalID("Quote", str(outcome.value)) if outcome.ok else None
        return DeleteQuotePayload(deleted_id=deleted, errors=outcome.errors)

    @strawberry.mutation(
        description="Tag how a book felt to the viewer — moods, pace, plot or character, "
        "content warnings from the curated list — replacing their earlier tags (all empty: "
        "removes them). Only for a book on the viewer's READ or DID_NOT_FINISH shelf "
        "(NOT_ALLOWED otherwise); an unknown warning name is INVALID. Requires login."
    )
    async def set_book_traits(
        self,
        info: Info,
        book_id: Annotated[relay.GlobalID, _arg("The book.")],
        input: Annotated[BookTraitsInput, _arg("The viewer's tags.")],
    ) -> SetBookTraitsPayload:
        user = require_user(info)
        book_pk = decode_id(book_id, "Book", field="bookId")

        def set_traits():
            traits.set_book_traits(
                user,
                book_pk,
                moods=list(input.moods),
                pace=input.pace,
                driver=input.plot_or_character,
                warnings=[
                    traits.WarningInput(name=w.name, severity=w.severity)
                    for w in input.content_warnings
                ],
            )
            return traits.tagged_book(book_pk)

        outcome = await run(set_traits)
        return SetBookTraitsPayload(book=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description="Add a name to the curated list of content warnings (staff only: "
        "NOT_ALLOWED otherwise; CONFLICT when it exists in any case). Requires login."
    )
    async def add_content_warning(
        self, info: Info, name: Annotated[str, _arg("The new warning's name (≤ 80 chars).")]
    ) -> AddContentWarningPayload:
        user = require_user(info)
        outcome = await run(traits.add_content_warning, user, name)
        return AddContentWarningPayload(content_warning=outcome.value, errors=outcome.errors)
