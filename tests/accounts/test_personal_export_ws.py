"""personalDataExportProgress over a WebSocket (the real ASGI application and consumer)."""

import pytest
from asgiref.sync import sync_to_async
from strawberry import relay

from apps.accounts.models import PersonalDataExport
from apps.accounts.personal_export import run_personal_export
from apps.accounts.tokens import create_access_token
from tests.factories import make_user
from tests.schema.accounts.test_personal_access_tokens_ws import connect, receive

# serialized_rollback: the flush after a transactional test would otherwise also remove the
# notification types the migrations created, for every test after it.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.asyncio,
]

PROGRESS = """subscription($id: ID!) {
  personalDataExportProgress(id: $id) { status downloadUrl } }"""


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


async def subscribe_as(user, export_id: int):
    token, _ = await sync_to_async(create_access_token)(user)
    communicator = await connect({"authToken": token})
    assert (await receive(communicator))["type"] == "connection_ack"
    variables = {"id": str(relay.GlobalID("PersonalDataExport", str(export_id)))}
    await communicator.send_json_to(
        {"id": "1", "type": "subscribe", "payload": {"query": PROGRESS, "variables": variables}}
    )
    return communicator


async def test_the_owner_follows_the_export_until_it_is_ready():
    ada = await sync_to_async(make_user)("ada")
    export = await PersonalDataExport.objects.acreate(user=ada)
    communicator = await subscribe_as(ada, export.pk)
    try:
        first = await receive(communicator)
        assert first["payload"]["data"]["personalDataExportProgress"] == {
            "status": "PENDING",
            "downloadUrl": None,
        }
        await sync_to_async(run_personal_export)(export.pk)
        seen = []
        while (message := await receive(communicator))["type"] == "next":
            seen.append(message["payload"]["data"]["personalDataExportProgress"])
        assert message["type"] == "complete"
        assert seen[-1]["status"] == "SUCCEEDED"
        assert "/exports/personal/" in seen[-1]["downloadUrl"]
    finally:
        await communicator.disconnect()


async def test_another_readers_export_is_not_found():
    ada = await sync_to_async(make_user)("ada")
    bob = await sync_to_async(make_user)("bob")
    export = await PersonalDataExport.objects.acreate(user=ada)
    communicator = await subscribe_as(bob, export.pk)
    try:
        refused = await receive(communicator)
        errors = refused["payload"] if refused["type"] == "error" else refused["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "NOT_FOUND"
    finally:
        await communicator.disconnect()
