"""The live channel layer: channels-redis's Redis pub/sub layer, with consumers' own channels kept
in-process.

A WebSocket consumer hears only its groups (`user.<id>`, `book.<id>`, …), which the pub/sub layer
routes to its local queue; nothing is ever sent to a consumer's own channel from another process.
So the channel a consumer gets at connect needs no Redis subscription of its own: that saves one
SUBSCRIBE per connection, and a WebSocket handshake keeps working while Redis is down (the
subscriptions then report that live updates are unavailable; schema/ws.py).
"""

import asyncio
import uuid

from channels_redis.pubsub import RedisPubSubChannelLayer


class LiveChannelLayer(RedisPubSubChannelLayer):
    async def new_channel(self, prefix: str = "specific.") -> str:
        layer = self._get_layer()
        channel = f"{layer.prefix}{prefix}{uuid.uuid4().hex}"
        layer.channels[channel] = asyncio.Queue()
        return channel
