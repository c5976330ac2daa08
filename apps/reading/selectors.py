"""What a viewer may read of others' reading: querysets already filtered for them.

Two rules apply. Reviews and reading lists carry their own privacy (`visible_q`). Shelves,
ratings and goals follow the owner's *profile* privacy, the same rule as `User.profile` in
the API: public to everyone, followers-only to followers, private to the owner alone. A reader
without a profile row yet has the default profile privacy (public).
"""

from django.db.models import Q, QuerySet

from apps.accounts.models import Profile, User
from apps.catalog.models import BookRedirect
from apps.core.models import Privacy
from apps.reading.models import ReadingGoal, ReadingList, ReadingStatus, Review, UserBook
from apps.social.blocking import blocked_between, not_blocked_q
from apps.social.models import Follow
from apps.social.visibility import followees_of, moderated_q, visible_q


def profile_visible_q(viewer, *, owner: str = "user") -> Q:
    """A filter keeping rows whose owner's profile lets `viewer` see their reading."""
    public = Q(**{f"{owner}__profile__privacy": Privacy.PUBLIC}) | Q(
        **{f"{owner}__profile__isnull": True}
    )
    # A suspended reader's shelves, ratings and goals leave with the rest of their content.
    kept = moderated_q(viewer, owner=owner, status=None)
    if viewer is None or not viewer.is_authenticated:
        return public & kept
    return (
        kept
        & (
            public
            | Q(**{f"{owner}_id": viewer.pk})
            | Q(
                **{
                    f"{owner}__profile__privacy": Privacy.FOLLOWERS,
                    f"{owner}_id__in": followees_of(viewer.pk),
                }
            )
        )
        & not_blocked_q(viewer, owner=owner)
    )


def journal_visible_q(viewer) -> Q:
    """Journal entries `viewer` may see: the entry's privacy and its reader's profile privacy."""
    return visible_q(viewer, moderated=False) & profile_visible_q(viewer)


def shelves_visible(viewer, owner: User) -> bool:
    """Whether `viewer` may see `owner`'s shelves, ratings and goals (one object)."""
    if viewer is not None and viewer.is_authenticated and viewer.pk == owner.pk:
        return True
    if viewer is not None and viewer.is_authenticated and blocked_between(viewer.pk, owner.pk):
        return False
    if owner.is_suspended:
        return False
    privacy = Profile.objects.filter(user=owner).values_list("privacy", flat=True).first()
    if privacy in (None, Privacy.PUBLIC):
        return True
    if privacy == Privacy.FOLLOWERS and viewer is not None and viewer.is_authenticated:
        return Follow.objects.filter(follower_id=viewer.pk, followee_id=owner.pk).exists()
    return False


def user_by_username(username: str) -> User | None:
    """The user with this username, in any case (usernames are unique regardless of case)."""
    return User.objects.filter(username__iexact=username).first()


def user_books(viewer, username: str, status: str | None = None) -> QuerySet[UserBook]:
    """A reader's shelf entries the viewer may see, most recently updated first; none at all
    when the reader's profile hides their shelves from the viewer."""
    entries = UserBook.objects.filter(user__username__iexact=username).filter(
        profile_visible_q(viewer)
    )
    if status is not None:
        entries = entries.filter(status=ReadingStatus(status))
    return entries.order_by("-updated_at", "-id")


def reviews(viewer, *, book_id: int | None = None, username: str | None = None) -> QuerySet[Review]:
    """Reviews of a book (or of the book it was merged into), or by a reader, that the viewer
    may see, newest first."""
    rows = Review.objects.filter(visible_q(viewer))
    if book_id is not None:
        # The id of a book merged into another names the survivor.
        survivor = BookRedirect.objects.filter(old_id=book_id).values("book_id")
        rows = rows.filter(Q(book_id=book_id) | Q(book_id__in=survivor))
    if username is not None:
        rows = rows.filter(user__username__iexact=username)
    return rows.order_by("-created_at", "-id")


def reading_lists(viewer, owner_username: str) -> QuerySet[ReadingList]:
    """A reader's lists the viewer may see, by name."""
    return (
        ReadingList.objects.filter(owner__username__iexact=owner_username)
        .filter(visible_q(viewer, owner="owner"))
        .order_by("name", "id")
    )


def reading_list_rows(viewer, list_id: int) -> QuerySet[ReadingList]:
    """The list, when the viewer may see it (as a queryset)."""
    return ReadingList.objects.filter(visible_q(viewer, owner="owner"), pk=list_id)


def reading_list(viewer, list_id: int) -> ReadingList | None:
    """The list, when the viewer may see it."""
    return reading_list_rows(viewer, list_id).first()


def reading_goal(viewer, owner: User, year: int) -> ReadingGoal | None:
    """`owner`'s goal for `year`, when the viewer may see the owner's reading."""
    if not shelves_visible(viewer, owner):
        return None
    return ReadingGoal.objects.filter(user=owner, year=year).first()
