"""`shared`: subscribers of one process share one read per publication of a public event."""

import asyncio
import threading

from schema.subscriptions import listen


class Counted:
    def __init__(self):
        self.calls = 0
        self.lock = threading.Lock()

    def __call__(self, value):
        with self.lock:
            self.calls += 1
        return value * 2


async def test_subscribers_asking_for_one_event_share_one_read():
    read = Counted()
    results = await asyncio.gather(*(listen.shared(("t", "e1"), read, 21) for _ in range(50)))
    assert results == [42] * 50
    assert read.calls == 1


async def test_each_publication_is_read_again():
    read = Counted()
    assert await listen.shared(("t", "e2"), read, 1) == 2
    assert await listen.shared(("t", "e3"), read, 2) == 4
    assert read.calls == 2


async def test_a_subscriber_leaving_does_not_cancel_the_read_for_the_others():
    started = threading.Event()

    def slow(value):
        started.set()
        threading.Event().wait(0.2)
        return value

    first = asyncio.ensure_future(listen.shared(("t", "e4"), slow, 7))
    second = asyncio.ensure_future(listen.shared(("t", "e4"), slow, 7))
    await asyncio.sleep(0.05)
    first.cancel()
    assert await second == 7
