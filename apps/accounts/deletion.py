"""`deleteAccount`: the reader and everything they own go now, in one transaction.

What happens, all or nothing:
- the password is checked (INVALID_CREDENTIALS on `password`); staff and superuser accounts are
  refused (NOT_ALLOWED: an administrator removes them in the admin, so that an installation
  cannot lose its last administrator by a click in an app);
- lending is unwound first (apps/lending/departure.py): others' loans and holds of the reader's
  copies are cancelled and their holders notified, the reader's own holds pass to the next
  reader in line;
- activities and notifications whose target is anything that is about to be deleted (the
  reader, their reviews, lists, copies, …) are deleted: found generically, from every row the
  deletion cascades to, so a model added later is covered without a change here;
- the user row is deleted, and with it, by cascade, every row that points to it: profile,
  shelves, ratings, reviews, lists, goals, follows, activities, notifications, copies,
  reservations, imports, exports, sessions (refresh tokens) and personal access tokens. Access
  tokens stop working at once (their user is gone), and the reader's open WebSockets close
  (4403 "Forbidden: account deleted", apps/accounts/live_connections.py);
- each book the reader had rated gets its `average_rating` and `ratings_count` recomputed
  exactly from the ratings left (its row locked from the start, as the rating services do), and
  each quote the reader liked its `likes_count`;
- after commit, the files go: the avatar (apps/media/cleanup.py, on the profile's deletion),
  import files and data exports.

This module sits above the domain apps it unwinds (leaving concerns all of them).
"""

from django.contrib.contenttypes.models import ContentType
from django.db import router, transaction
from django.db.models.deletion import Collector

from apps.accounts.live_connections import CloseReason, end_live_connections
from apps.accounts.models import PersonalDataExport, User
from apps.core.errors import ErrorCode, Invalid, NotAllowed, NotFound


def _doomed_rows(user: User) -> dict[type, set]:
    """Primary keys of every row that deleting `user` deletes (the user included), by model."""
    collector = Collector(using=router.db_for_write(User))
    collector.collect([user])
    doomed: dict[type, set] = {}
    for model, instances in collector.data.items():
        doomed.setdefault(model._meta.concrete_model, set()).update(i.pk for i in instances)
    for queryset in collector.fast_deletes:
        model = queryset.model._meta.concrete_model
        doomed.setdefault(model, set()).update(queryset.values_list("pk", flat=True))
    return doomed


def _delete_pointers(doomed: dict[type, set]) -> None:
    """Delete activities and notifications whose generic target is a doomed row."""
    from apps.notifications.models import Notification
    from apps.social.models import Activity

    types = ContentType.objects.get_for_models(*doomed)
    for model, pks in doomed.items():
        # Targets are named by an integer id: rows keyed otherwise (sessions, by UUID) never are.
        integer_keys = all(isinstance(pk, int) for pk in pks)
        if model in (Activity, Notification) or not pks or not integer_keys:
            continue
        target_type = types[model]
        ids = sorted(pks)
        for pointer in (Activity, Notification):
            pointer.objects.filter(target_type=target_type, target_id__in=ids).delete()


def delete_account(user: User, password: str) -> None:
    """Delete the account of `user`, whose `password` this is, and all that is theirs."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user.pk).first()
        if user is None:
            raise NotFound("This account no longer exists.")
        if user.is_staff or user.is_superuser:
            raise NotAllowed(
                "Staff accounts cannot be deleted this way: ask another administrator to "
                "remove the account in the admin."
            )
        if not user.check_password(password or ""):
            raise Invalid(
                "Your password is not correct.",
                field="password",
                code=ErrorCode.INVALID_CREDENTIALS,
            )
        erase_account(user)


def erase_account(user: User) -> None:
    """Delete the account and all that is the reader's, with no questions asked (the admin's
    "Delete account and all their data" action; `delete_account` after its checks)."""
    from apps.catalog.models import Book
    from apps.conversation.models import Like
    from apps.imports.models import ImportJob
    from apps.impressions.quotes import recount_likes
    from apps.lending.departure import release_for_departure
    from apps.reading.models import Rating
    from apps.reading.services.ratings import refresh_rating_stats

    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        liked_quotes = list(
            Like.objects.filter(user_id=user.pk, quote__isnull=False).values_list(
                "quote_id", flat=True
            )
        )
        rated = sorted(
            set(Rating.objects.filter(user_id=user.pk).values_list("book_id", flat=True))
        )
        # Lock the rated books now, as rating services do, so no rating slips in uncounted.
        list(Book.objects.select_for_update(no_key=True).filter(pk__in=rated).order_by("pk"))
        release_for_departure(user)
        files = [
            *(job.file for job in ImportJob.objects.filter(user_id=user.pk) if job.file),
            *(e.file for e in PersonalDataExport.objects.filter(user_id=user.pk) if e.file),
        ]
        _delete_pointers(_doomed_rows(user))
        end_live_connections(
            user.pk, reason=CloseReason.ACCOUNT_DELETED
        )  # after commit; pk is gone then
        user.delete()
        for book_id in rated:
            refresh_rating_stats(book_id)
        recount_likes(liked_quotes)
        transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files], robust=True)
