"""`Activity.target`: the object an activity is about, as its GraphQL type, batched.

A target the viewer may no longer see (a review made private after it was posted, a list
made private, a deleted object) is null, not an error: the activity itself stays readable.
"""

from collections import defaultdict
from typing import Annotated

import strawberry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists

from apps.accounts.models import User
from apps.catalog.models import Book
from apps.reading.models import JournalEntry, ReadingList, Review
from apps.reading.selectors import journal_visible_q
from apps.social.blocking import not_blocked_q
from apps.social.visibility import visible_q
from schema.accounts.types import UserType
from schema.catalog.types import BookType
from schema.context import Info
from schema.loaders import Loader
from schema.reading.types import JournalEntryType, ReadingListType, ReviewType

ActivityTarget = Annotated[
    BookType | ReviewType | ReadingListType | UserType | JournalEntryType,
    strawberry.union(
        "ActivityTarget",
        description="What an activity is about: a book, review, list, reader or journal entry.",
    ),
]


def _visible(model, viewer):
    """The rows of `model` the viewer may see as an activity's target."""
    if model is Review:
        return Review.objects.filter(visible_q(viewer))
    if model is ReadingList:
        return ReadingList.objects.filter(visible_q(viewer, owner="owner"))
    if model is User:  # a reader across a block is absent here too
        return User.objects.filter(is_active=True).filter(not_blocked_q(viewer, owner="pk"))
    if model is JournalEntry:
        return JournalEntry.objects.filter(journal_visible_q(viewer))
    return model.objects.all()


TARGET_MODELS = (Book, Review, ReadingList, User, JournalEntry)


def target_rows(model, row, viewer):
    """The compiled form of `Activity.target` (`schema.compiled.forms.OneOf`): the visible row
    of `model` whose content type and id the activity names."""
    if model not in TARGET_MODELS:
        return None
    content_type = ContentType.objects.filter(
        pk=row.target_type_id, app_label=model._meta.app_label, model=model._meta.model_name
    )
    return _visible(model, viewer).filter(Exists(content_type), pk=row.target_id)


class ActivityTargetLoader(Loader[tuple[int, int], object | None]):
    """Targets by (content type id, object id): one query per kind of target on the page."""

    def batch_load(self, keys):
        ids_by_type: dict[int, set[int]] = defaultdict(set)
        for type_id, object_id in keys:
            ids_by_type[type_id].add(object_id)
        found: dict[tuple[int, int], object] = {}
        for type_id, ids in ids_by_type.items():
            model = ContentType.objects.get_for_id(type_id).model_class()
            if model not in TARGET_MODELS:
                continue
            for pk, obj in _visible(model, self.context.user).in_bulk(ids).items():
                found[(type_id, pk)] = obj
        return [found.get(key) for key in keys]


async def load_target(info: Info, target_type_id: int, target_id: int):
    return await info.context.loaders.get(ActivityTargetLoader).load((target_type_id, target_id))
