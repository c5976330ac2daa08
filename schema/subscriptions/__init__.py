"""Live streams (GraphQL subscriptions) over WebSocket; see resolvers.py and DESIGN §4."""

from schema.subscriptions.resolvers import Subscription

__all__ = ["Subscription"]
