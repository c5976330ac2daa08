"""Leaving, with one's data: `exportPersonalData` and `deleteAccount`.

Both need a logged-in session: no personal access token may call them
(schema/token_scopes.py).
"""

from typing import Annotated

import strawberry
from strawberry import relay

from apps.accounts.deletion import delete_account
from apps.accounts.personal_export import export_personal_data
from schema.accounts.personal_tokens import PersonalDataExportType
from schema.auth import require_user
from schema.context import Info
from schema.errors import MutationError, run


@strawberry.type(description="Result of `exportPersonalData`.")
class ExportPersonalDataPayload:
    export: PersonalDataExportType | None = strawberry.field(
        description="The new export, PENDING: follow it with `personalDataExportProgress(id)` "
        "or `me { personalDataExport }`; once SUCCEEDED its `downloadUrl` gives the ZIP. Null "
        "on errors."
    )
    errors: list[MutationError] = strawberry.field(
        description="`CONFLICT` while another export of the viewer's is being prepared."
    )


@strawberry.type(description="Result of `deleteAccount`.")
class DeleteAccountPayload:
    deleted_user_id: relay.GlobalID | None = strawberry.field(
        description="The id the deleted account had; null on errors."
    )
    errors: list[MutationError] = strawberry.field(
        description="`INVALID_CREDENTIALS` on `password`; `NOT_ALLOWED` for a staff account "
        "(an administrator removes it in the admin)."
    )


@strawberry.type
class LeavingMutation:
    @strawberry.mutation(
        description="Start building a ZIP of everything BookNest holds about the viewer: "
        "profile, shelves with dates, ratings, reviews, lists, goals, follows, activity, "
        "notifications, copies and reservations, imports, sessions and personal access tokens "
        "(metadata only: never a secret) as JSON files, and the library as Goodreads CSV. "
        "Returns at once; the ZIP is built in the background. Starting one deletes the "
        "viewer's earlier exports. Requires a logged-in session."
    )
    async def export_personal_data(self, info: Info) -> ExportPersonalDataPayload:
        user = require_user(info)
        outcome = await run(export_personal_data, user)
        return ExportPersonalDataPayload(export=outcome.value, errors=outcome.errors)

    @strawberry.mutation(
        description="Delete the viewer's account and everything they own, now and for good: "
        "profile, shelves, ratings (books' averages are recomputed), reviews, lists, goals, "
        "follows, activity, notifications, copies (readers holding or waiting for them are "
        "notified), reservations, imports, exports, sessions and personal access tokens. "
        "Every token of the account stops working at once. Requires a logged-in session and "
        "the password."
    )
    async def delete_account(
        self,
        info: Info,
        password: Annotated[str, strawberry.argument(description="The account's password.")],
    ) -> DeleteAccountPayload:
        user = require_user(info)
        outcome = await run(delete_account, user, password)
        if not outcome.ok:
            return DeleteAccountPayload(deleted_user_id=None, errors=outcome.errors)
        return DeleteAccountPayload(deleted_user_id=relay.GlobalID("User", str(user.pk)), errors=[])
