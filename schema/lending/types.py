"""GraphQL types of lending: shared copies and reservations."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from django.db.models import Q
from strawberry import relay

from apps.catalog.models import Edition
from apps.lending import models
from apps.social.blocking import not_blocked_q
from schema.accounts.loaders import UserByIdLoader
from schema.catalog.loaders import BookByIdLoader, EditionByIdLoader
from schema.compiled.forms import Rows, sql
from schema.context import Info
from schema.enums import CopyConditionEnum, ReservationStatusEnum
from schema.fields import PkId, model_field
from schema.lending.loaders import (
    BookCopyByIdLoader,
    HoldingReservationByCopyIdLoader,
    QueuePositionByReservationLoader,
)
from schema.permissions import require_owner

if TYPE_CHECKING:
    from schema.accounts.types import UserType
    from schema.catalog.edition_types import EditionType
    from schema.catalog.types import BookType

UserTypeRef = Annotated["UserType", strawberry.lazy("schema.accounts.types")]
BookTypeRef = Annotated["BookType", strawberry.lazy("schema.catalog.types")]
EditionTypeRef = Annotated["EditionType", strawberry.lazy("schema.catalog.edition_types")]


@strawberry_django.type(models.BookCopy, name="BookCopy")
class BookCopyType(PkId, relay.Node):
    """A physical copy of a book that its owner lends."""

    condition: CopyConditionEnum = model_field(description="State of the copy.")
    location: str = model_field(description="Where to pick it up, as the owner says.")
    notes: str = model_field(description="The owner's notes.")
    is_active: bool = model_field(description="False once withdrawn by the owner.")

    @classmethod
    def get_queryset(cls, queryset, info: Info, **kwargs):
        # Copies of a reader blocked either way are absent, wherever copies are listed.
        return queryset.filter(not_blocked_q(info.context.user, owner="owner"))

    created_at: datetime = model_field(description="When it was added.")

    @strawberry_django.field(description="The book.")
    async def book(self, info: Info) -> BookTypeRef:
        return await info.context.loaders.get(BookByIdLoader).load(self.book_id)

    @sql(Rows(lambda row, viewer: Edition.objects.filter(pk=row.edition_id)))
    @strawberry_django.field(description="Which edition of the book it is; null when unknown.")
    async def edition(self, info: Info) -> EditionTypeRef | None:
        if self.edition_id is None:
            return None
        return await info.context.loaders.get(EditionByIdLoader).load(self.edition_id)

    @strawberry_django.field(description="Who owns and lends it.")
    async def owner(self, info: Info) -> UserTypeRef:
        return await info.context.loaders.get(UserByIdLoader).load(self.owner_id)

    @strawberry_django.field(
        description="Whether a reader reserving the book now could get this copy at once: it "
        "is active and no ready or on-loan reservation holds it."
    )
    async def is_available(self, info: Info) -> bool:
        if not self.is_active:
            return False
        holder = await info.context.loaders.get(HoldingReservationByCopyIdLoader).load(self.pk)
        return holder is None

    @strawberry_django.field(
        description="The ready or on-loan reservation holding this copy, null when it is free: "
        "what the owner passes to `lendCopy` and `returnCopy`. Only the copy's owner may read "
        "it (others get an error)."
    )
    async def current_reservation(self, info: Info) -> "ReservationType | None":
        require_owner(info, self.owner_id, "who holds this copy")
        return await info.context.loaders.get(HoldingReservationByCopyIdLoader).load(self.pk)


@strawberry_django.type(models.Reservation, name="Reservation")
class ReservationType(PkId, relay.Node):
    """A reader's place in a book's queue, then their loan of a copy."""

    status: ReservationStatusEnum = model_field(description="Where it stands.")
    reserved_at: datetime = model_field(description="When the reader joined the queue.")
    ready_at: datetime | None = model_field(description="When a copy became ready.")
    pickup_deadline: datetime | None = model_field(
        description="Pick up before this, or the copy passes to the next in line."
    )
    loaned_at: datetime | None = model_field(description="When the loan began.")
    due_at: datetime | None = model_field(description="When the copy is due back.")
    returned_at: datetime | None = model_field(description="When it came back.")
    ended_at: datetime | None = model_field(description="When it was cancelled or expired.")

    @classmethod
    def get_queryset(cls, queryset, info: Info, **kwargs):
        # A reservation is seen by its reader and by the owner of the copy it holds, wherever
        # it is reached (node, lists); for anyone else it does not exist.
        viewer_id = info.context.viewer_id
        if viewer_id is None:
            return queryset.none()
        return queryset.filter(Q(user_id=viewer_id) | Q(copy__owner_id=viewer_id))

    @strawberry_django.field(
        description="1-based place among the readers waiting for this book (first come, first "
        "served); null unless the reservation is waiting."
    )
    async def queue_position(self, info: Info) -> int | None:
        if self.status != models.ReservationStatus.WAITING:
            return None
        loader = info.context.loaders.get(QueuePositionByReservationLoader)
        return await loader.load((self.book_id, self.pk))

    @strawberry_django.field(description="The book reserved.")
    async def book(self, info: Info) -> BookTypeRef:
        return await info.context.loaders.get(BookByIdLoader).load(self.book_id)

    @strawberry_django.field(description="The reader who reserved it.")
    async def user(self, info: Info) -> UserTypeRef:
        return await info.context.loaders.get(UserByIdLoader).load(self.user_id)

    @strawberry_django.field(description="The copy held for or lent to the reader, once ready.")
    async def copy(self, info: Info) -> BookCopyType | None:
        if self.copy_id is None:
            return None
        return await info.context.loaders.get(BookCopyByIdLoader).load(self.copy_id)
