"""GraphQL types of personal access tokens and personal data exports (owner only)."""

from datetime import datetime

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry import relay

from apps.accounts import models
from apps.accounts.personal_export import download_link
from schema.context import Info
from schema.fields import PkId, model_field

TokenScopeEnum = strawberry.enum(
    models.TokenScope,
    name="TokenScope",
    description="What a personal access token may do. READ: queries and subscriptions, as the "
    "reader. WRITE: mutations on the reader's own reading data, social actions and lending. "
    "No token may change the password, email or tokens, delete the account or act as staff.",
)
PersonalExportStatusEnum = strawberry.enum(
    models.PersonalExportStatus,
    name="PersonalDataExportStatus",
    description="Where a personal data export stands: PENDING, RUNNING, then SUCCEEDED or FAILED.",
)


def _viewers_own(queryset: QuerySet, info: Info) -> QuerySet:
    viewer_id = info.context.viewer_id
    return queryset.filter(user_id=viewer_id) if viewer_id else queryset.none()


@strawberry_django.type(models.PersonalAccessToken, name="PersonalAccessToken")
class PersonalAccessTokenType(PkId, relay.Node):
    """A personal access token of the viewer (its secret is never shown again)."""

    name: str = model_field(description="What the reader called it, e.g. `e-reader sync`.")
    prefix: str = model_field(
        description="The secret's first characters (`bn_pat_` and four more), to recognise it."
    )
    created_at: datetime = model_field(description="When it was created.")
    last_used_at: datetime | None = model_field(
        description="When it was last used (recorded at most every few minutes); null if never."
    )
    expires_at: datetime | None = model_field(
        description="When it stops working; null for a token that does not expire."
    )

    @strawberry_django.field(description="What it may do.")
    def scopes(self) -> list[TokenScopeEnum]:
        return [models.TokenScope(scope) for scope in self.scopes]

    @classmethod
    def get_queryset(cls, queryset, info: Info, **kwargs):
        return _viewers_own(queryset, info).filter(revoked_at__isnull=True)


@strawberry_django.type(models.PersonalDataExport, name="PersonalDataExport")
class PersonalDataExportType(PkId, relay.Node):
    """A ZIP of everything BookNest holds about the viewer, built in the background."""

    status: PersonalExportStatusEnum = model_field(description="Where the export stands.")
    created_at: datetime = model_field(description="When it was asked for.")
    finished_at: datetime | None = model_field(description="When it was ready (or failed).")
    size: int | None = model_field(description="Size of the ZIP in bytes, once it is ready.")
    error: str = model_field(description="Why it failed; empty otherwise.")

    @strawberry_django.field(
        description="Where to download the ZIP once SUCCEEDED: a signed link that works without "
        "authentication for `EXPORT_LINK_MAX_AGE` seconds from when it is read (ask again for "
        "a fresh one); null before."
    )
    def download_url(self, info: Info) -> str | None:
        path = download_link(self)
        if path is None:
            return None
        request = info.context.request
        return request.build_absolute_uri(path) if hasattr(request, "build_absolute_uri") else path

    @classmethod
    def get_queryset(cls, queryset, info: Info, **kwargs):
        return _viewers_own(queryset, info)
