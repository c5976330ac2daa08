"""Personal access tokens on a WebSocket: `{"authToken": "bn_pat_…"}` in `connection_init`,
through the real ASGI application and consumer (Channels' communicator)."""

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from apps.accounts.models import PersonalAccessToken
from apps.social.services import follow
from booknest.asgi import application
from tests.factories import make_user
from tests.schema.accounts.pat_helpers import pat

# serialized_rollback: the flush after a transactional test would otherwise also remove the
# notification types the migrations created, for every test after it.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.asyncio,
]

TIMEOUT = 10
NOTIFICATIONS = "subscription { notificationAdded { notification { actor { username } } } }"


async def connect(payload: dict) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(
        application, "/graphql", subprotocols=["graphql-transport-ws"]
    )
    connected, _ = await communicator.connect(timeout=TIMEOUT)
    assert connected
    await communicator.send_json_to({"type": "connection_init", "payload": payload})
    return communicator


async def receive(communicator) -> dict:
    while True:
        message = await communicator.receive_json_from(TIMEOUT)
        if message["type"] not in ("ping", "pong"):
            return message


async def subscribe(communicator, query: str) -> None:
    await communicator.send_json_to({"id": "1", "type": "subscribe", "payload": {"query": query}})


async def test_a_read_token_subscribes_as_its_reader():
    ada = await sync_to_async(make_user)("ada")
    bob = await sync_to_async(make_user)("bob")
    secret = await sync_to_async(pat)(ada, "read")
    communicator = await connect({"authToken": secret})
    try:
        assert (await receive(communicator))["type"] == "connection_ack"
        await subscribe(communicator, NOTIFICATIONS)
        await subscribe_settled(communicator)
        await sync_to_async(follow)(bob, ada.pk)
        event = await receive(communicator)
        assert event["type"] == "next", event
        notification = event["payload"]["data"]["notificationAdded"]["notification"]
        assert notification == {"actor": {"username": "bob"}}
    finally:
        await communicator.disconnect()


async def subscribe_settled(communicator) -> None:
    # A query on the same connection answers after the subscription has joined its group.
    await communicator.send_json_to(
        {"id": "q", "type": "subscribe", "payload": {"query": "{ __typename }"}}
    )
    while (message := await receive(communicator))["type"] != "complete":
        assert message.get("id") == "q", message


async def test_a_write_only_token_may_not_subscribe():
    ada = await sync_to_async(make_user)("ada")
    secret = await sync_to_async(pat)(ada, "write")
    communicator = await connect({"authToken": f"Bearer {secret}"})
    try:
        assert (await receive(communicator))["type"] == "connection_ack"
        await subscribe(communicator, NOTIFICATIONS)
        refused = await receive(communicator)
        errors = refused["payload"] if refused["type"] == "error" else refused["payload"]["errors"]
        assert errors[0]["extensions"] == {"code": "FORBIDDEN", "requiredScope": "READ"}
    finally:
        await communicator.disconnect()


@pytest.mark.parametrize("kind", ["forged", "revoked", "expired"])
async def test_a_bad_token_closes_the_connection_with_4403(kind):
    ada = await sync_to_async(make_user)("ada")
    secret = await sync_to_async(pat)(ada, "read", days=1)
    if kind == "forged":
        secret = secret[:-4] + "AAAA"
    elif kind == "revoked":
        await PersonalAccessToken.objects.aupdate(revoked_at=timezone.now())
    else:
        now = timezone.now()
        await PersonalAccessToken.objects.aupdate(
            created_at=now - timedelta(days=2), expires_at=now
        )
    communicator = await connect({"authToken": secret})
    try:
        closed = await communicator.receive_output(TIMEOUT)
        while closed["type"] != "websocket.close":
            closed = await communicator.receive_output(TIMEOUT)
        assert closed["code"] == 4403
    finally:
        await communicator.disconnect()
