"""The channel layers as configured for Redis: live events reach every subscriber of a process,
however many arrive at once; an import job goes to exactly one worker.

A burst of events to 100+ clients of one daphne process was once lost whole: channels-redis's
list-based layer queues every event of a process in one Redis key and drops what arrives while
it holds `capacity` (100) messages. These tests fail with that layer's defaults.
"""

import asyncio
import uuid

import pytest
from channels.layers import channel_layers
from django.conf import settings

pytestmark = pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (Redis layers)")

BURST = 300


def fresh_layer(alias: str):
    """A new layer instance, as a separate process would have."""
    return channel_layers.make_backend(alias)


async def test_a_burst_of_events_reaches_every_subscriber_of_one_process():
    layer = fresh_layer("default")
    channels = [await layer.new_channel() for _ in range(BURST)]
    try:
        for n, channel in enumerate(channels):
            await layer.group_add(f"burst-test.{n}", channel)
        # Another process publishes: one event per reader, all at once.
        publisher = fresh_layer("default")
        await asyncio.sleep(0.2)  # the subscriptions reach Redis
        await asyncio.gather(
            *(
                publisher.group_send(f"burst-test.{n}", {"type": "booknest.event", "n": n})
                for n in range(BURST)
            )
        )
        received = await asyncio.wait_for(
            asyncio.gather(*(layer.receive(channel) for channel in channels)), timeout=20
        )
        assert [message["n"] for message in received] == list(range(BURST))
        await publisher.flush()
    finally:
        for n, channel in enumerate(channels):
            await layer.group_discard(f"burst-test.{n}", channel)
        await layer.flush()


async def test_an_import_job_goes_to_exactly_one_worker():
    sender, worker_a, worker_b = (fresh_layer("imports") for _ in range(3))
    channel = f"imports-test-{uuid.uuid4().hex}"  # this run's own: Redis is shared
    await sender.send(channel, {"type": "import.run", "job_id": 7})
    receivers = [asyncio.ensure_future(w.receive(channel)) for w in (worker_a, worker_b)]
    done, pending = await asyncio.wait(receivers, timeout=6)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    assert [task.result()["job_id"] for task in done] == [7]
    await sender.flush()
