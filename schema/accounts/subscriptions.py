"""`personalDataExportProgress`: a personal data export's state, live (like `importProgress`)."""

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from strawberry import relay

from apps.accounts.models import PersonalDataExport, PersonalExportStatus
from apps.accounts.personal_export import export_group
from schema.accounts.personal_tokens import PersonalDataExportType
from schema.auth import require_user
from schema.context import Info
from schema.subscriptions.listen import db, listening, renew_loaders
from schema.subscriptions.resolvers import local_id, not_found

FINISHED = (PersonalExportStatus.SUCCEEDED, PersonalExportStatus.FAILED)


@strawberry.type
class AccountsSubscription:
    @strawberry.subscription(
        description="One of the viewer's personal data exports: its current state at once, "
        "then every change; completes when it has SUCCEEDED (with its `downloadUrl`) or "
        "FAILED. Requires login; another reader's export is NOT_FOUND."
    )
    async def personal_data_export_progress(
        self,
        info: Info,
        id: Annotated[
            relay.GlobalID, strawberry.argument(description="The PersonalDataExport's id.")
        ],
    ) -> AsyncGenerator[PersonalDataExportType, None]:
        viewer = require_user(info)
        pk = local_id(id, "PersonalDataExport")

        def load() -> PersonalDataExport | None:
            return PersonalDataExport.objects.filter(pk=pk, user_id=viewer.pk).first()

        if await db(load) is None:
            raise not_found("PersonalDataExport")
        async with listening(info, [export_group(pk)]) as listener:
            # Read after joining the group, so no change falls between the two.
            export = await db(load)
            while export is not None:
                yield export
                if export.status in FINISHED:
                    return
                await anext(listener.messages())
                renew_loaders(info)
                export = await db(load)
