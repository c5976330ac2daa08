"""Uploading and removing images: `uploadAvatar`, `uploadBookCover`, `uploadAuthorPhoto` …

Files arrive by the GraphQL multipart request specification (an `Upload` variable; see
schema/media/multipart.py). Every refusal of the file is a payload error on `file`:
TOO_LARGE, NOT_AN_IMAGE, TOO_MANY_PIXELS or CORRUPT, and leaves nothing stored.
"""

from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.file_uploads import Upload

from apps.media import services
from schema.accounts.types import UserType
from schema.auth import require_user
from schema.catalog.mutations.common import LIBRARIANS_ONLY
from schema.catalog.types import AuthorType, BookType
from schema.context import Info
from schema.errors import MutationError, decode_id, run

FILE = (
    "The image (multipart request field): JPEG, PNG or WebP by content, at most 10 MB and "
    "40 megapixels by default. Stored re-encoded, without metadata, in every size."
)
FILE_ERRORS = (
    "Expected failures; empty on success. On `file`: TOO_LARGE, NOT_AN_IMAGE, TOO_MANY_PIXELS, "
    "CORRUPT."
)
CATALOG_ERRORS = f"{FILE_ERRORS} NOT_ALLOWED for readers who are not librarians; NOT_FOUND."


def arg(description: str):
    return strawberry.argument(description=description)


@strawberry.type(description="Result of `uploadAvatar`.")
class UploadAvatarPayload:
    user: UserType | None = strawberry.field(description="The viewer; null on errors.")
    errors: list[MutationError] = strawberry.field(description=FILE_ERRORS)


@strawberry.type(description="Result of `removeAvatar`.")
class RemoveAvatarPayload:
    user: UserType | None = strawberry.field(description="The viewer, now without an avatar.")
    errors: list[MutationError] = strawberry.field(description="Always empty.")


@strawberry.type(description="Result of `uploadBookCover` and `removeBookCover`.")
class BookCoverPayload:
    book: BookType | None = strawberry.field(description="The book; null on errors.")
    errors: list[MutationError] = strawberry.field(description=CATALOG_ERRORS)


@strawberry.type(description="Result of `uploadAuthorPhoto` and `removeAuthorPhoto`.")
class AuthorPhotoPayload:
    author: AuthorType | None = strawberry.field(description="The author; null on errors.")
    errors: list[MutationError] = strawberry.field(description=CATALOG_ERRORS)


@strawberry.type
class MediaMutation:
    @strawberry.mutation(
        description="Set the viewer's avatar; the previous one is deleted. Requires login."
    )
    async def upload_avatar(
        self, info: Info, file: Annotated[Upload, arg(FILE)]
    ) -> UploadAvatarPayload:
        user = require_user(info)
        outcome = await run(services.upload_avatar, user, file)
        return UploadAvatarPayload(user=user if outcome.ok else None, errors=outcome.errors)

    @strawberry.mutation(description="Remove the viewer's avatar and its files. Requires login.")
    async def remove_avatar(self, info: Info) -> RemoveAvatarPayload:
        user = require_user(info)
        outcome = await run(services.remove_avatar, user)
        return RemoveAvatarPayload(user=user if outcome.ok else None, errors=outcome.errors)

    @strawberry.mutation(
        description=f"Set a book's cover; the previous one is deleted. {LIBRARIANS_ONLY}"
    )
    async def upload_book_cover(
        self,
        info: Info,
        book_id: Annotated[relay.GlobalID, arg("The book's global id.")],
        file: Annotated[Upload, arg(FILE)],
    ) -> BookCoverPayload:
        user = require_user(info)
        outcome = await run(
            lambda: services.upload_book_cover(
                user, decode_id(book_id, "Book", field="bookId"), file
            )
        )
        return BookCoverPayload(book=outcome.value, errors=outcome.errors)

    @strawberry.mutation(description=f"Remove a book's cover and its files. {LIBRARIANS_ONLY}")
    async def remove_book_cover(
        self, info: Info, book_id: Annotated[relay.GlobalID, arg("The book's global id.")]
    ) -> BookCoverPayload:
        user = require_user(info)
        outcome = await run(
            lambda: services.remove_book_cover(user, decode_id(book_id, "Book", field="bookId"))
        )
        return BookCoverPayload(book=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description=f"Set an author's photo; the previous one is deleted. {LIBRARIANS_ONLY}"
    )
    async def upload_author_photo(
        self,
        info: Info,
        author_id: Annotated[relay.GlobalID, arg("The author's global id.")],
        file: Annotated[Upload, arg(FILE)],
    ) -> AuthorPhotoPayload:
        user = require_user(info)
        outcome = await run(
            lambda: services.upload_author_photo(
                user, decode_id(author_id, "Author", field="authorId"), file
            )
        )
        return AuthorPhotoPayload(author=outcome.value, errors=outcome.errors)

    @strawberry.mutation(description=f"Remove an author's photo and its files. {LIBRARIANS_ONLY}")
    async def remove_author_photo(
        self, info: Info, author_id: Annotated[relay.GlobalID, arg("The author's global id.")]
    ) -> AuthorPhotoPayload:
        user = require_user(info)
        outcome = await run(
            lambda: services.remove_author_photo(
                user, decode_id(author_id, "Author", field="authorId")
            )
        )
        return AuthorPhotoPayload(author=outcome.value, errors=outcome.errors)
