"""Contexts on a WebSocket: one per connection (who is connected), one per operation (loaders).

Strawberry builds the context once per *connection* and hands that same object to every
operation on it; a loader registry kept there would cache rows across operations and events
(DESIGN §8). `PerOperationContext` swaps in a fresh `Context` for each operation, and the
subscriptions renew its loaders for each event they deliver.
"""

from dataclasses import dataclass
from typing import Any

from strawberry.extensions import SchemaExtension

from schema.context import Context


@dataclass
class ConnectionContext(Context):
    """The context of one WebSocket connection: the viewer, set once at `connection_init`."""

    connection_params: Any = None
    authenticated: bool = False


class PerOperationContext(SchemaExtension):
    """Runs each WebSocket operation on `context.fresh()`: same viewer, its own loaders."""

    def on_operation(self):
        context = self.execution_context.context
        if isinstance(context, ConnectionContext):
            self.execution_context.context = context.fresh()
        yield
