"""Bringing a library in (`importLibrary`), taking it out (`exportLibrary`), and adding one book
from Open Library (`importBookByIsbn`). All require login (top-level UNAUTHENTICATED)."""

from datetime import datetime, timedelta
from typing import Annotated

import strawberry
from django.conf import settings
from django.utils import timezone
from strawberry.file_uploads import Upload

from apps.catalog import isbn as isbn_utils
from apps.catalog.models import Edition
from apps.imports.enrichment import import_book_by_isbn
from apps.imports.export import ExportFormat, export_link
from apps.imports.jobs import start_import
from apps.imports.models import ImportFormat
from schema.auth import require_user
from schema.catalog.edition_types import EditionType
from schema.catalog.types import BookType
from schema.context import Info
from schema.errors import MutationError, run
from schema.imports.types import ExportFormatEnum, ImportFormatEnum, ImportJobType


def arg(description: str):
    return strawberry.argument(description=description)


@strawberry.type(description="Result of `importLibrary`.")
class ImportLibraryPayload:
    job: ImportJobType | None = strawberry.field(
        description="The new job, PENDING: follow it with `importProgress(jobId)` or "
        "`importJob(id)`. Null on errors."
    )
    errors: list[MutationError] = strawberry.field(
        description="On `file`: TOO_LARGE (over the size or row limit, stated in the message), "
        "INVALID (empty, or a header that is no known format: the message names what was "
        "expected), CONFLICT (another import of yours is under way). Empty on success."
    )


@strawberry.type(description="Result of `exportLibrary`.")
class ExportLibraryPayload:
    url: str | None = strawberry.field(
        description="Where to download the file (a CSV): a signed link that works without "
        "authentication until `expiresAt`. Null on errors."
    )
    expires_at: datetime | None = strawberry.field(description="When the link stops working.")
    errors: list[MutationError] = strawberry.field(description="Empty on success.")


@strawberry.type(description="Result of `importBookByIsbn`.")
class ImportBookByIsbnPayload:
    book: BookType | None = strawberry.field(
        description="The catalogue's book with this ISBN (new or already there); null on errors."
    )
    edition: EditionType | None = strawberry.field(
        description="The edition with this ISBN (new or already there); null on errors."
    )
    created: bool = strawberry.field(
        description="True when the book was added now, from Open Library (false when the "
        "ISBN was known, or is a new edition of a book already there)."
    )
    errors: list[MutationError] = strawberry.field(
        description="On `isbn`: INVALID (not an ISBN), NOT_FOUND (Open Library does not know "
        "it), CONFLICT (Open Library is not answering; try again later). Empty on success."
    )


@strawberry.type
class ImportsMutation:
    @strawberry.mutation(
        description="Import a library file (Goodreads, StoryGraph or CSV export) into the "
        "viewer's shelves, ratings, reviews and lists. Returns at once; the rows are imported "
        "in the background. Books already in the library keep whatever the viewer changed in "
        "BookNest after the row's date; importing the same file again changes nothing. Sent as "
        "a GraphQL multipart request. Requires login."
    )
    async def import_library(
        self,
        info: Info,
        file: Annotated[Upload, arg("The CSV file (multipart request field).")],
        format: Annotated[
            ImportFormatEnum, arg("The file's format; AUTO detects it from the header row.")
        ] = ImportFormat.AUTO,
    ) -> ImportLibraryPayload:
        user = require_user(info)
        outcome = await run(start_import, user, file, ImportFormat(format).value)
        return ImportLibraryPayload(job=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description="A download link for the viewer's whole library (every book shelved, rated, "
        "reviewed or listed). Re-importable into BookNest, and readable by Goodreads. Requires "
        "login."
    )
    async def export_library(
        self,
        info: Info,
        format: Annotated[ExportFormatEnum, arg("The file's columns.")] = ExportFormat.GOODREADS,
    ) -> ExportLibraryPayload:
        user = require_user(info)
        path = export_link(user, ExportFormat(format).value)
        request = info.context.request
        url = request.build_absolute_uri(path) if hasattr(request, "build_absolute_uri") else path
        expires = timezone.now() + timedelta(seconds=settings.EXPORT_LINK_MAX_AGE)
        return ExportLibraryPayload(url=url, expires_at=expires, errors=[])

    @strawberry.mutation(
        description="Add a book to the catalogue from Open Library by its ISBN, once: when an "
        "edition with this ISBN (10 or 13 digits) is already there, its book is returned. An "
        "ISBN of a work already there (same Open Library work, or same title and author) "
        "becomes a new edition of that book. Any logged-in reader may add books; librarians "
        "review them. Requires login."
    )
    async def import_book_by_isbn(
        self, info: Info, isbn: Annotated[str, arg("An ISBN-10 or ISBN-13 (hyphens allowed).")]
    ) -> ImportBookByIsbnPayload:
        user = require_user(info)
        outcome = await run(import_book_by_isbn, user, isbn)
        book, created = outcome.value if outcome.ok else (None, False)
        edition = None
        if book is not None:
            isbn13 = isbn_utils.normalize(isbn)[1]
            edition = await Edition.objects.filter(isbn13=isbn13, book_id=book.pk).afirst()
        return ImportBookByIsbnPayload(
            book=book, edition=edition, created=created, errors=outcome.errors
        )
