"""Pins the channels-redis internals of `booknest/internals/channel_layer.py`."""

from channels_redis.pubsub import RedisPubSubChannelLayer

from booknest.internals.channel_layer import LiveChannelLayer


async def test_a_consumer_channel_is_a_local_queue_without_a_redis_subscription():
    layer = LiveChannelLayer(hosts=["redis://127.0.0.1:1/0"])  # never contacted
    shard = layer._get_layer()
    assert hasattr(RedisPubSubChannelLayer, "_get_layer")
    channel = await layer.new_channel()
    assert channel.startswith(shard.prefix) and channel in shard.channels
