"""Listening to channel-layer groups from inside a subscription resolver.

A subscription joins the groups it needs through the connection's consumer (which counts how
many subscriptions use each group, so that one ending does not deafen another) and reads the
messages of those groups from a queue of its own. The set of groups may change while it runs
(`activityAdded` follows the viewer's new followees).
"""

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Hashable
from contextlib import asynccontextmanager
from typing import TypeVar

from asgiref.sync import sync_to_async
from django.db import connection
from graphql import GraphQLError

from apps.core.events import EVENT_TYPE
from booknest.postgres.live import live_reads
from schema.context import Info
from schema.loaders import Loaders

T = TypeVar("T")


class Listener:
    """The messages of some groups, for one subscription."""

    def __init__(self, consumer) -> None:
        self.consumer = consumer
        self.groups: set[str] = set()
        self.queue: asyncio.Queue = asyncio.Queue()

    async def join(self, group: str) -> None:
        if group not in self.groups:
            self.groups.add(group)
            await self.consumer.join_group(group)

    async def leave(self, group: str) -> None:
        if group in self.groups:
            self.groups.discard(group)
            await self.consumer.leave_group(group)

    async def next_message(self, timeout: float | None = None) -> dict | None:
        """The next message of our groups; None when `timeout` seconds pass without one."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                message = await asyncio.wait_for(self.queue.get(), remaining)
            except TimeoutError:
                return None
            if message.get("group") in self.groups:
                return message

    async def messages(self) -> AsyncIterator[dict]:
        while True:
            message = await self.queue.get()
            # The connection hears every group any of its subscriptions joined: keep ours.
            if message.get("group") in self.groups:
                yield message


@asynccontextmanager
async def listening(info: Info, groups: list[str]) -> AsyncIterator[Listener]:
    consumer = info.context.request
    if not hasattr(consumer, "join_group"):
        raise GraphQLError("Subscriptions are served over WebSocket only, at /graphql.")
    listener = Listener(consumer)
    # Strawberry's consumer hands every message of a non-websocket type to these queues (a
    # WeakSet: the listener keeps its queue alive while it runs).
    consumer.listen_queues[EVENT_TYPE].add(listener.queue)
    try:
        for group in groups:
            await listener.join(group)
        yield listener
    finally:
        for group in list(listener.groups):
            await listener.leave(group)
        consumer.listen_queues[EVENT_TYPE].discard(listener.queue)


async def db(function: Callable[..., T], *args) -> T:
    """Run one event's database reads in a worker thread of their own.

    Not on the thread that serves every HTTP request's ORM work (`thread_sensitive`): a burst
    of events for 1,000 subscribers would queue behind — and in front of — the mutations. On
    PostgreSQL the reads take their connection from a pool of their own (booknest/postgres/),
    so that requests holding every connection of the main pool cannot hold them back either.
    The connections go back to their pools afterwards, as at the end of a request.
    """

    def run() -> T:
        with live_reads():
            try:
                return function(*args)
            finally:
                connection.close()

    return await sync_to_async(run, thread_sensitive=False)()


# Reads shared by the subscribers of one process: key → (started at, the read's future).
_shared_reads: dict[Hashable, tuple[float, asyncio.Future]] = {}
SHARED_READ_SECONDS = 30.0


async def shared(key: Hashable, function: Callable[..., T], *args) -> T:
    """`db(function, *args)` once per process for every subscriber asking with the same `key`.

    For what reads the same whoever asks (a public rating, read as an anonymous viewer would see
    it): 1,000 subscribers of a book then cost one query, not 1,000. The key must identify one
    publication (its `event_id`), never just an object: a later change is a later event.
    """
    now = time.monotonic()
    for stale in [k for k, (at, _) in _shared_reads.items() if now - at > SHARED_READ_SECONDS]:
        del _shared_reads[stale]
    entry = _shared_reads.get(key)
    if entry is None:
        entry = (now, asyncio.ensure_future(db(function, *args)))
        _shared_reads[key] = entry
    # shield: one subscriber going away must not cancel the read for the others.
    return await asyncio.shield(entry[1])


def renew_loaders(info: Info) -> None:
    """Empty loaders for the next event: each one is read from the database as it is now."""
    info.context.loaders = Loaders(info.context)
