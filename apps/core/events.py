"""Events for live subscribers, published to channel-layer groups after the transaction commits.

Groups: `user.<id>` (what one reader may hear about themselves), `book.<id>` (public news of a
book), `import.<id>` (an import job's progress). A rolled-back transaction publishes nothing.
"""

import logging
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

EVENT_TYPE = "booknest.event"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def book_group(book_id: int) -> str:
    return f"book.{book_id}"


def import_group(job_id: int) -> str:
    return f"import.{job_id}"


def publish(group: str, event: str, payload: dict) -> None:
    """Send `{"type": "booknest.event", "event": event, "group": group, **payload}` to `group`
    after commit. Payloads carry ids only: each subscriber re-reads (and re-checks) the objects.

    The group travels in the message because one WebSocket connection joins many groups for
    its subscriptions, and each subscription keeps only the messages of its own groups."""

    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        # `event_id`: one per publish, so that subscribers in one process can share one read of
        # an event that reads the same for all of them (schema/subscriptions/listen.py: shared).
        message = {
            **payload,
            "type": EVENT_TYPE,
            "event": event,
            "group": group,
            "event_id": uuid.uuid4().hex,
        }
        try:
            async_to_sync(layer.group_send)(group, message)
        except Exception:
            # Live delivery is best effort: the data is committed and queries will show it.
            logger.exception("could not publish %s to %s", event, group)

    transaction.on_commit(send, robust=True)
