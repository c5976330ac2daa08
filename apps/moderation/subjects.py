"""What readers may report: a small registry of subject kinds.

Each app whose content can be reported registers its kind once (in its `AppConfig.ready`):

    from apps.moderation.subjects import SubjectKind, register
    register(SubjectKind("Comment", Comment, owner="author", visible=visible_comments, hide=...))

`name` is the GraphQL type name of the subject's global id (`report(subjectId:)`), `visible`
the rows a viewer may see (a reader reports only what they can see), `owner` the field naming
whose content it is (`"pk"` for a user), and `hide` what `HIDE_CONTENT` does (None: the kind
cannot be hidden, only dismissed or its owner suspended).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, QuerySet

from apps.core.models import ModerationStatus


@dataclass(frozen=True)
class SubjectKind:
    name: str
    model: type[Model]
    owner: str
    visible: Callable[[object], QuerySet]
    hide: Callable[[Model], None] | None = None

    def owner_id(self, subject: Model) -> int | None:
        return subject.pk if self.owner == "pk" else getattr(subject, f"{self.owner}_id")


_KINDS: dict[str, SubjectKind] = {}


def hide_content(item: Model) -> None:
    """The `hide` of a kind with a `moderation_status`: HIDDEN, seen by its owner only."""
    item.moderation_status = ModerationStatus.HIDDEN
    item.save(update_fields=["moderation_status", "updated_at"])  # signals reindex search


def register(kind: SubjectKind) -> None:
    """Make `kind` reportable. Registering a name twice is a mistake (two apps, one name)."""
    existing = _KINDS.get(kind.name)
    if existing is not None and existing != kind:
        raise ValueError(f"A report subject named {kind.name!r} is already registered.")
    _KINDS[kind.name] = kind


def kind_named(name: str) -> SubjectKind | None:
    return _KINDS.get(name)


def kind_of_model(model: type[Model]) -> SubjectKind | None:
    return next((kind for kind in _KINDS.values() if kind.model is model), None)


def kinds() -> list[SubjectKind]:
    return list(_KINDS.values())
