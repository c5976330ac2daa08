"""Keeping reading's own rules true after the catalogue merges duplicate books."""

from django.db.models import Max
from django.dispatch import receiver

from apps.catalog.merge import books_merged
from apps.social.models import Activity, Verb

# Activities that tell of a state, not an event: one rating and one review per reader and book,
# one listing per list and book. After a merge, two of them would tell the same thing twice.
# (The signal comes before generic targets are repointed, so ratings and reviews are grouped
# by book alone; a listing's target, the list, is not touched by the merge.)
ONE_PER_BOOK = {Verb.RATED: (), Verb.REVIEWED: (), Verb.LISTED: ("target_type_id", "target_id")}


@receiver(books_merged)
def keep_one_state_activity(sender, survivor, duplicate_ids, **kwargs) -> None:
    """Of the activities that now say the same thing about the survivor, keep the newest."""
    for verb, extra_keys in ONE_PER_BOOK.items():
        groups = (
            Activity.objects.filter(book=survivor, verb=verb)
            .values("actor_id", *extra_keys)
            .annotate(newest=Max("id"))
        )
        for group in groups:
            newest = group.pop("newest")
            Activity.objects.filter(book=survivor, verb=verb, **group).exclude(pk=newest).delete()
