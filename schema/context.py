"""The typed context every resolver receives as `info.context`."""

from dataclasses import dataclass, field
from typing import Any, TypeAlias

from django.contrib.auth.models import AnonymousUser
from strawberry.types import Info as StrawberryInfo

from schema.loaders import Loaders


@dataclass
class Context:
    """What a resolver may know of the request: the request, the viewer and the loaders."""

    request: Any
    response: Any = None
    user: Any = field(default_factory=AnonymousUser)
    auth_error: str | None = None
    # An access token not yet known to stand; `user` is its user until then (schema/auth.py).
    pending_token: Any = None
    # Set by booknest/request_id.py (HTTP) or the WebSocket consumer (per connection).
    request_id: str | None = None
    client_ip: str | None = None
    # The operation's cost (schema/limits/) and the viewer's rate-limit budget after it
    # (schema/ratelimit.py: a RateLimitState), for `extensions.cost` and the RateLimit headers.
    cost: int | None = None
    rate_limit: Any = None
    # The transport writes a compiled read's `data` as PostgreSQL's JSON text (HTTP does;
    # WebSocket messages are encoded whole: schema/compiled/run.py's JsonText).
    data_as_json_text: bool = False
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self)

    def fresh(self) -> "Context":
        """The same viewer with empty loaders: one per WebSocket operation or event."""
        return Context(
            request=self.request,
            response=self.response,
            user=self.user,
            request_id=self.request_id,
            client_ip=self.client_ip,
        )

    @property
    def viewer_id(self) -> int | None:
        return self.user.pk if self.user.is_authenticated else None


Info: TypeAlias = StrawberryInfo[Context, None]
