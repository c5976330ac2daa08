"""GraphQL types of impressions: quotes, and the curated content warnings."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from django.db.models import Q
from strawberry import relay

from apps.accounts.models import User
from apps.catalog.models import Book
from apps.impressions import models
from apps.impressions.quotes import quote_visible_q
from schema.accounts.loaders import UserByIdLoader
from schema.catalog.loaders import BookByIdLoader
from schema.compiled.forms import Expr, Rows, sql, when
from schema.context import Info
from schema.conversation.fields import likeable
from schema.enums import ModerationStatusEnum, PrivacyEnum
from schema.fields import PkId, model_field

if TYPE_CHECKING:
    from schema.accounts.types import UserType
    from schema.catalog.types import BookType

UserTypeRef = Annotated["UserType", strawberry.lazy("schema.accounts.types")]
BookTypeRef = Annotated["BookType", strawberry.lazy("schema.catalog.types")]


@strawberry_django.type(models.Quote, name="Quote")
class QuoteType(likeable("quote"), PkId, relay.Node):
    """A passage a reader kept from a book; readers like it (`like`) and report it (`report`)."""

    text: str = model_field(description="The words quoted.")
    page: int | None = model_field(description="Where it is in the book, when given.")
    spoiler: bool = model_field(description="Whether the passage reveals the plot.")
    privacy: PrivacyEnum = model_field(
        description="Who may see the quote (the reader's profile privacy applies too)."
    )
    moderation_status: ModerationStatusEnum = model_field(
        description="`HIDDEN` when moderators hid the quote: then only its reader sees it."
    )
    created_at: datetime = model_field(description="When it was kept.")
    updated_at: datetime = model_field(description="Last edit.")

    @classmethod
    def get_queryset(cls, queryset, info: Info, **kwargs):
        return queryset.filter(quote_visible_q(info.context.user))

    @sql(Rows(lambda row, viewer: User.objects.filter(pk=row.user_id)))
    @strawberry_django.field(description="The reader who kept it.")
    async def user(self, info: Info) -> UserTypeRef:
        return await info.context.loaders.get(UserByIdLoader).load(self.user_id)

    @sql(Rows(lambda row, viewer: Book.objects.filter(pk=row.book_id)))
    @strawberry_django.field(description="The book quoted.")
    async def book(self, info: Info) -> BookTypeRef:
        return await info.context.loaders.get(BookByIdLoader).load(self.book_id)

    @sql(Expr(lambda viewer: when(Q(user_id=viewer.pk))))
    @strawberry.field(description="Whether the viewer may edit or delete this quote.")
    def can_edit(self, info: Info) -> bool:
        return info.context.viewer_id == self.user_id


@strawberry_django.type(models.ContentWarning, name="ContentWarning")
class ContentWarningType(PkId, relay.Node):
    """A name from the curated list readers tag books with."""

    name: str = model_field(description="The warning, e.g. “Grief”.")
