"""Loaders of people: users, profiles, and the follow graph as seen by the viewer."""

from django.db.models import Count

from apps.accounts.models import Profile, ProfileInterest, ProfileSocialLink, User
from apps.social.models import Follow
from schema.loaders import Loader, group_by


class UserByIdLoader(Loader[int, User | None]):
    def batch_load(self, keys):
        users = User.objects.in_bulk(keys)
        return [users.get(key) for key in keys]


class ProfileByUserIdLoader(Loader[int, Profile | None]):
    def batch_load(self, keys):
        profiles = {p.user_id: p for p in Profile.objects.filter(user_id__in=keys)}
        return [profiles.get(key) for key in keys]


class InterestsByProfileIdLoader(Loader[int, list[ProfileInterest]]):
    def batch_load(self, keys):
        rows = (
            ProfileInterest.objects.filter(profile_id__in=keys)
            .select_related("genre")
            .order_by("profile_id", "id")
        )
        return group_by(keys, ((row.profile_id, row) for row in rows))


class SocialLinksByProfileIdLoader(Loader[int, list[ProfileSocialLink]]):
    def batch_load(self, keys):
        rows = ProfileSocialLink.objects.filter(profile_id__in=keys).order_by(
            "profile_id", "position", "id"
        )
        return group_by(keys, ((row.profile_id, row) for row in rows))


class FollowedByViewerLoader(Loader[int, bool]):
    """Whether the viewer follows each user (False for an anonymous viewer)."""

    def batch_load(self, keys):
        viewer_id = self.context.viewer_id
        if viewer_id is None:
            return [False] * len(keys)
        followed = set(
            Follow.objects.filter(follower_id=viewer_id, followee_id__in=keys).values_list(
                "followee_id", flat=True
            )
        )
        return [key in followed for key in keys]


class FollowsViewerLoader(Loader[int, bool]):
    """Whether each user follows the viewer."""

    def batch_load(self, keys):
        viewer_id = self.context.viewer_id
        if viewer_id is None:
            return [False] * len(keys)
        following = set(
            Follow.objects.filter(followee_id=viewer_id, follower_id__in=keys).values_list(
                "follower_id", flat=True
            )
        )
        return [key in following for key in keys]


class FollowerCountByUserIdLoader(Loader[int, int]):
    """Active followers of each user (a deactivated account counts for nobody)."""

    def batch_load(self, keys):
        counts = dict(
            Follow.objects.filter(followee_id__in=keys, follower__is_active=True)
            .values("followee_id")
            .annotate(n=Count("id"))
            .values_list("followee_id", "n")
        )
        return [counts.get(key, 0) for key in keys]


class FollowingCountByUserIdLoader(Loader[int, int]):
    """Active users each user follows."""

    def batch_load(self, keys):
        counts = dict(
            Follow.objects.filter(follower_id__in=keys, followee__is_active=True)
            .values("follower_id")
            .annotate(n=Count("id"))
            .values_list("follower_id", "n")
        )
        return [counts.get(key, 0) for key in keys]
