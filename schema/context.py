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
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self)

    def fresh(self) -> "Context":
        """The same viewer with empty loaders: one per WebSocket operation or event."""
        return Context(request=self.request, response=self.response, user=self.user)

    @property
    def viewer_id(self) -> int | None:
        return self.user.pk if self.user.is_authenticated else None


Info: TypeAlias = StrawberryInfo[Context, None]
