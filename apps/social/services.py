"""Following readers. Both operations are idempotent: they set a state, so a retried request
(or a double click) neither fails nor records a second activity or notification."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from apps.accounts.models import Profile, User
from apps.accounts.services import get_active_user
from apps.core.errors import Invalid, NotAllowed, NotFound
from apps.core.events import publish, user_group
from apps.core.models import Privacy
from apps.notifications import types
from apps.notifications.services import notify
from apps.social.activity import record_activity
from apps.social.models import Activity, Block, Follow, Verb


def follow(user: User, followee_id: int) -> User:
    """`user` follows the reader `followee_id` (whatever that reader's profile privacy: there
    are no follow requests). The first time, this records a `followed` activity and notifies
    the followee, in the same transaction. Returns the followee. Across a block: NOT_FOUND for
    the blocked reader (the other is absent for them), NOT_ALLOWED for the blocker."""
    if followee_id == user.pk:
        raise Invalid("You cannot follow yourself.", field="user_id")
    followee = get_active_user(followee_id, field="user_id")
    if Block.objects.filter(blocker=followee, blocked=user).exists():
        raise NotFound("No user with this id.", field="user_id")  # absent, as blocks make it
    if Block.objects.filter(blocker=user, blocked=followee).exists():
        raise NotAllowed("You blocked this reader; unblock them first.", field="user_id")
    with transaction.atomic():
        _, created = Follow.objects.get_or_create(follower=user, followee=followee)
        if created:
            # The activity shows as widely as the follower's own profile does.
            privacy = (
                Profile.objects.filter(user=user).values_list("privacy", flat=True).first()
                or Privacy.PUBLIC
            )
            record_activity(user, Verb.FOLLOWED, followee, privacy=privacy)
            notify(
                followee,
                types.NEW_FOLLOWER,
                actor=user,
                target=user,
                data={"username": user.username},
            )
            _announce(user.pk, followee.pk, following=True)
    return followee


def unfollow(user: User, followee_id: int) -> User:
    """`user` stops following `followee_id` (nothing happens when they did not follow).

    The `followed` activity goes too, so feeds do not show a follow that no longer holds; the
    followee's notification stays, as a record of what happened."""
    followee = User.objects.filter(pk=followee_id).first()
    if followee is None:
        raise NotFound("No user with this id.", field="user_id")
    with transaction.atomic():
        deleted, _ = Follow.objects.filter(follower=user, followee=followee).delete()
        if deleted:
            Activity.objects.filter(
                actor=user,
                verb=Verb.FOLLOWED,
                target_type=ContentType.objects.get_for_model(User),
                target_id=followee.pk,
            ).delete()
            _announce(user.pk, followee.pk, following=False)
    return followee


def _announce(follower_id: int, followee_id: int, *, following: bool) -> None:
    """Live news after commit: the followee hears of it (`followEvents`), and the follower's own
    live feed (`activityAdded`) starts or stops listening to the followee."""
    payload = {"follower_id": follower_id, "followee_id": followee_id, "following": following}
    for user_id in (followee_id, follower_id):
        publish(user_group(user_id), "follow_changed", payload)
