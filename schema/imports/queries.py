"""Reading an import job's progress (live updates: the `importProgress` subscription)."""

from typing import Annotated

import strawberry
from asgiref.sync import sync_to_async
from strawberry import relay

from apps.core.errors import NotFound
from apps.imports.models import ImportJob
from schema.auth import require_user
from schema.context import Info
from schema.errors import decode_id
from schema.imports.types import ImportJobType


@strawberry.type
class ImportsQuery:
    @strawberry.field(
        description="One of the viewer's import jobs, by global id; null when there is no such "
        "job or it is someone else's. Requires login."
    )
    async def import_job(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="The ImportJob's id.")],
    ) -> ImportJobType | None:
        user = require_user(info)
        try:
            pk = decode_id(id, "ImportJob", field="id")
        except NotFound:
            return None
        return await sync_to_async(ImportJob.objects.filter(pk=pk, user_id=user.pk).first)()
