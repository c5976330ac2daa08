"""Loaders of people: users, profiles, and the follow graph as seen by the viewer."""

from django.db.models import Count

from apps.accounts.models import Profile, ProfileInterest, ProfileSocialLink, User
from apps.social.models import Follow
from apps.social.visibility import visible_q
from booknest.internals.prepared import PreparedById, PreparedQuery
from schema.loaders import ByIdLoader, Loader, group_by


class UserByIdLoader(ByIdLoader[User]):
    rows = PreparedById(User)


class ProfileByUserIdLoader(Loader[int, Profile | None]):
    rows = PreparedQuery(lambda ids: Profile.objects.filter(user_id__in=ids))

    def batch_load(self, keys):
        profiles = {p.user_id: p for p in self.rows(keys)}
        return [profiles.get(key) for key in keys]


class VisibleProfileByUserIdLoader(Loader[int, Profile | None]):
    """Profiles the viewer may see, by user id: `visible_q` (privacy, blocks, moderation), the
    rule `User.profile` states for the compiled path too."""

    def batch_load(self, keys):
        rows = Profile.objects.filter(visible_q(self.context.user), user_id__in=keys)
        profiles = {p.user_id: p for p in rows}
        return [profiles.get(key) for key in keys]


class InterestsByProfileIdLoader(Loader[int, list[ProfileInterest]]):
    rows = PreparedQuery(
        lambda ids: (
            ProfileInterest.objects.filter(profile_id__in=ids)
            .select_related("genre")
            .order_by("profile_id", "id")
        )
    )

    def batch_load(self, keys):
        return group_by(keys, ((row.profile_id, row) for row in self.rows(keys)))


class SocialLinksByProfileIdLoader(Loader[int, list[ProfileSocialLink]]):
    rows = PreparedQuery(
        lambda ids: ProfileSocialLink.objects.filter(profile_id__in=ids).order_by(
            "profile_id", "position", "id"
        )
    )

    def batch_load(self, keys):
        return group_by(keys, ((row.profile_id, row) for row in self.rows(keys)))


class FollowedByViewerLoader(Loader[int, bool]):
    """Whether the viewer follows each user (False for an anonymous viewer)."""

    rows = PreparedQuery(
        lambda ids, viewer: Follow.objects.filter(
            follower_id=viewer, followee_id__in=ids
        ).values_list("followee_id", flat=True)
    )

    def batch_load(self, keys):
        viewer_id = self.context.viewer_id
        if viewer_id is None:
            return [False] * len(keys)
        followed = set(self.rows(keys, viewer_id))
        return [key in followed for key in keys]


class FollowsViewerLoader(Loader[int, bool]):
    """Whether each user follows the viewer."""

    rows = PreparedQuery(
        lambda ids, viewer: Follow.objects.filter(
            followee_id=viewer, follower_id__in=ids
        ).values_list("follower_id", flat=True)
    )

    def batch_load(self, keys):
        viewer_id = self.context.viewer_id
        if viewer_id is None:
            return [False] * len(keys)
        following = set(self.rows(keys, viewer_id))
        return [key in following for key in keys]


class FollowerCountByUserIdLoader(Loader[int, int]):
    """Active followers of each user (a deactivated account counts for nobody)."""

    rows = PreparedQuery(
        lambda ids: (
            Follow.objects.filter(followee_id__in=ids, follower__is_active=True)
            .values("followee_id")
            .annotate(n=Count("id"))
            .values_list("followee_id", "n")
        )
    )

    def batch_load(self, keys):
        counts = dict(self.rows(keys))
        return [counts.get(key, 0) for key in keys]


class FollowingCountByUserIdLoader(Loader[int, int]):
    """Active users each user follows."""

    rows = PreparedQuery(
        lambda ids: (
            Follow.objects.filter(follower_id__in=ids, followee__is_active=True)
            .values("follower_id")
            .annotate(n=Count("id"))
            .values_list("follower_id", "n")
        )
    )

    def batch_load(self, keys):
        counts = dict(self.rows(keys))
        return [counts.get(key, 0) for key in keys]
