"""Across a block, the live streams stay silent: `bookActivity` leaves out the other reader's
reviews (though the stream itself is public) through the real ASGI application and consumer."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connection
from strawberry.relay import to_base64

from apps.accounts.tokens import create_access_token
from apps.reading.services.reviews import create_review
from apps.social.blocks import block_user
from tests.factories import make_book, make_user

# serialized_rollback: the flush after a transactional test would otherwise also remove the
# notification types the migrations created, for every test after it.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.asyncio,
]

TIMEOUT = 10
BOOK = (
    """subscription($b: ID!) { bookActivity(bookId: $b) { review { body user { username } } } }"""
)


async def subscribe(user, book) -> WebsocketCommunicator:
    from booknest.asgi import application

    token, _ = await sync_to_async(create_access_token)(user)
    communicator = WebsocketCommunicator(
        application, "/graphql", subprotocols=["graphql-transport-ws"]
    )
    assert (await communicator.connect(timeout=TIMEOUT))[0]
    await communicator.send_json_to({"type": "connection_init", "payload": {"authToken": token}})
    assert (await communicator.receive_json_from(TIMEOUT))["type"] == "connection_ack"
    variables = {"b": to_base64("Book", book.pk)}
    await communicator.send_json_to(
        {"id": "1", "type": "subscribe", "payload": {"query": BOOK, "variables": variables}}
    )
    await asyncio.sleep(0.5)  # subscribed to the book's group before anything is published
    return communicator


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the embedded test database (in-memory SQLite, shared cache) locks a table while the "
    "live stream reads it, so the reviews written meanwhile fail with 'table is locked'",
)
async def test_book_activity_leaves_out_reviews_across_a_block():
    ada, bob, carol = [await sync_to_async(make_user)(name) for name in ("ada", "bob", "carol")]
    book = await sync_to_async(make_book)("Live")
    await sync_to_async(block_user)(ada, bob.pk)
    listeners = {"ada": await subscribe(ada, book), "bob": await subscribe(bob, book)}
    try:
        await sync_to_async(create_review)(bob, book.pk, body="bob writes")
        await sync_to_async(create_review)(ada, book.pk, body="ada writes")
        await sync_to_async(create_review)(carol, book.pk, body="carol writes")
        for who, communicator in listeners.items():
            seen = []
            for _ in range(2):  # the two reviews this reader may see, and nothing else
                message = await communicator.receive_json_from(TIMEOUT)
                seen.append(
                    message["payload"]["data"]["bookActivity"]["review"]["user"]["username"]
                )
            other = "bob" if who == "ada" else "ada"
            assert other not in seen and "carol" in seen, (who, seen)
            assert await communicator.receive_nothing(timeout=0.5)
    finally:
        for communicator in listeners.values():
            await communicator.disconnect()
