"""Conversation, live: `bookActivity` carries new comments on a book's public reviews, and
`notificationAdded` the new kinds — through the real ASGI application and consumer."""

import pytest
from asgiref.sync import sync_to_async

from apps.conversation import comments
from apps.core.models import Privacy
from apps.social.models import Block, Mute
from tests.factories import make_book, make_follow, make_review, make_user
from tests.schema.accounts.test_personal_access_tokens_ws import (
    connect,
    receive,
    subscribe_settled,
)
from tests.schema.reading.helpers import gid

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.asyncio,
]

BOOK = """subscription($b: ID!) { bookActivity(bookId: $b) {
  book { title } review { id } rating { value } comment { body author { username } review { id } } } }"""
NOTIFICATIONS = (
    "subscription { notificationAdded { notification { kind { key } actor { username } } } }"
)


def world():
    book = make_book("Dune")
    owner, ada, bob = make_user("owner"), make_user("ada"), make_user("bob")
    public = make_review(owner, book)
    hidden = make_review(make_user(), book, privacy=Privacy.FOLLOWERS)
    make_follow(ada, hidden.user)
    return book, owner, ada, bob, public, hidden


async def test_book_activity_carries_new_comments_on_public_reviews_only():
    book, _owner, ada, bob, public, hidden = await sync_to_async(world)()
    communicator = await connect({})
    try:
        assert (await receive(communicator))["type"] == "connection_ack"
        await communicator.send_json_to(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": BOOK, "variables": {"b": gid(book)}},
            }
        )
        await subscribe_settled(communicator)
        await sync_to_async(comments.add_comment)(ada, "review", hidden.pk, "for friends")
        await sync_to_async(comments.add_comment)(bob, "review", public.pk, "for all")
        event = await receive(communicator)
        assert event["type"] == "next", event
        assert event["payload"]["data"]["bookActivity"] == {
            "book": {"title": "Dune"},
            "review": None,
            "rating": None,
            "comment": {
                "body": "for all",
                "author": {"username": "bob"},
                "review": {"id": gid(public)},
            },
        }
    finally:
        await communicator.disconnect()


async def test_book_activity_leaves_out_comments_across_a_block():
    book, owner, ada, bob, public, _ = await sync_to_async(world)()
    await sync_to_async(Block.objects.create)(blocker=bob, blocked=ada)
    from apps.accounts.tokens import create_access_token

    token, _ = await sync_to_async(create_access_token)(ada)
    communicator = await connect({"authToken": token})
    try:
        assert (await receive(communicator))["type"] == "connection_ack"
        await communicator.send_json_to(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": BOOK, "variables": {"b": gid(book)}},
            }
        )
        await subscribe_settled(communicator)
        await sync_to_async(comments.add_comment)(bob, "review", public.pk, "blocker")
        await sync_to_async(comments.add_comment)(owner, "review", public.pk, "owner")
        event = await receive(communicator)
        assert event["payload"]["data"]["bookActivity"]["comment"]["body"] == "owner"
    finally:
        await communicator.disconnect()


async def test_new_comments_reach_the_owner_live_unless_the_commenter_is_muted():
    _book, owner, ada, bob, public, _ = await sync_to_async(world)()
    await sync_to_async(Mute.objects.create)(muter=owner, muted=ada)
    from apps.accounts.tokens import create_access_token

    token, _ = await sync_to_async(create_access_token)(owner)
    communicator = await connect({"authToken": token})
    try:
        assert (await receive(communicator))["type"] == "connection_ack"
        await communicator.send_json_to(
            {"id": "1", "type": "subscribe", "payload": {"query": NOTIFICATIONS}}
        )
        await subscribe_settled(communicator)
        await sync_to_async(comments.add_comment)(ada, "review", public.pk, "muted")
        await sync_to_async(comments.add_comment)(bob, "review", public.pk, "heard")
        event = await receive(communicator)
        assert event["payload"]["data"]["notificationAdded"]["notification"] == {
            "kind": {"key": "commented"},
            "actor": {"username": "bob"},
        }
    finally:
        await communicator.disconnect()
