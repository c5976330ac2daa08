"""GraphQL types of people: User, Profile, interests and social links."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from asgiref.sync import sync_to_async
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, NullIf
from strawberry import relay

from apps.accounts import models
from apps.accounts.models import SocialPlatform
from apps.accounts.personal_tokens import live_tokens
from apps.impressions.models import Quote
from apps.impressions.quotes import user_quotes
from apps.moderation.models import Report
from apps.reading.models import UpNextItem
from apps.reading.selectors import profile_visible_q
from apps.social.blocking import not_blocked_q
from apps.social.models import Follow
from apps.social.visibility import visible_q
from schema.accounts.loaders import (
    FollowedByViewerLoader,
    FollowerCountByUserIdLoader,
    FollowingCountByUserIdLoader,
    FollowsViewerLoader,
    InterestsByProfileIdLoader,
    ProfileByUserIdLoader,
    SocialLinksByProfileIdLoader,
    VisibleProfileByUserIdLoader,
)
from schema.accounts.personal_tokens import PersonalAccessTokenType, PersonalDataExportType
from schema.accounts.session_types import MAX_SESSIONS_LISTED, SessionType, sessions_of
from schema.compiled.forms import Expr, Rows, sql, when
from schema.context import Info
from schema.enums import ModerationStatusEnum, PrivacyEnum
from schema.fields import PkId, connection, model_field
from schema.media.fields import avatar_url
from schema.pagination import CursorConnection
from schema.permissions import require_owner

if TYPE_CHECKING:
    from schema.catalog.types import GenreType
    from schema.impressions.types import QuoteType
    from schema.moderation.types import ReportType
    from schema.reading.types import UpNextItemType

SocialPlatformEnum = strawberry.enum(
    SocialPlatform, name="SocialPlatform", description="Where a social link points."
)


def _interests(profile_id: int) -> QuerySet[models.ProfileInterest]:
    return models.ProfileInterest.objects.filter(profile_id=profile_id).order_by("id")


def _social_links(profile_id: int) -> QuerySet[models.ProfileSocialLink]:
    return models.ProfileSocialLink.objects.filter(profile_id=profile_id).order_by("position", "id")


def _follows(follower, followee) -> Exists:
    return Exists(Follow.objects.filter(follower_id=follower, followee_id=followee))


def _count_follows(side: str, other: str) -> Coalesce:
    """Follows of the row's user on one side whose other side is an active account."""
    follows = (
        Follow.objects.filter(**{f"{side}_id": OuterRef("pk"), f"{other}__is_active": True})
        .values(f"{side}_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(follows, output_field=IntegerField()), 0)


DISPLAY_NAME = Coalesce(
    NullIf(
        Subquery(models.Profile.objects.filter(user_id=OuterRef("pk")).values("display_name")[:1]),
        Value(""),
    ),
    F("username"),
    output_field=CharField(),
)


@strawberry_django.type(
    models.ProfileInterest,
    name="ProfileInterest",
    description="Something a reader likes: a catalogue genre, or free text.",
)
class ProfileInterestType:
    """Something a reader likes: a catalogue genre, or free text."""

    text: str = model_field(description="Free-text interest; empty for a genre.")
    genre: Annotated["GenreType", strawberry.lazy("schema.catalog.types")] | None = (
        strawberry_django.field(description="The genre, when the interest is one.")
    )


@strawberry_django.type(
    models.ProfileSocialLink, name="SocialLink", description="A link to the reader elsewhere."
)
class SocialLinkType:
    """A link to the reader elsewhere."""

    platform: SocialPlatformEnum = model_field(description="Which site.")
    url: str = model_field(description="Full URL of the reader's page.")


@strawberry_django.type(
    models.Profile,
    name="Profile",
    description="What a reader tells about themselves. "
    "Null on `User.profile` when hidden from the viewer.",
)
class ProfileType:
    """What a reader tells about themselves. Null on `User.profile` when hidden from the viewer."""

    display_name: str = model_field(description="Name shown instead of the username.")
    bio: str = model_field(description="A few words about the reader.")
    location: str = model_field(description="Where the reader is, as they put it.")
    website: str = model_field(description="The reader's website, or empty.")
    privacy: PrivacyEnum = model_field(
        description="Who may see this profile, the reader's shelves and activity."
    )
    moderation_status: ModerationStatusEnum = model_field(
        description="`HIDDEN` when moderators hid this profile: then only its reader sees it."
    )

    @sql(Rows(lambda row, viewer: _interests(row.pk), many=True))
    @strawberry_django.field(description="Genres and topics the reader likes.")
    async def interests(self, info: Info) -> list[ProfileInterestType]:
        return await info.context.loaders.get(InterestsByProfileIdLoader).load(self.pk)

    @sql(Rows(lambda row, viewer: _social_links(row.pk), many=True))
    @strawberry_django.field(description="Links to the reader elsewhere, in the reader's order.")
    async def social_links(self, info: Info) -> list[SocialLinkType]:
        return await info.context.loaders.get(SocialLinksByProfileIdLoader).load(self.pk)


@strawberry_django.type(
    models.User,
    name="User",
    description="A reader. Identity (username, display name) is public; "
    "the rest follows profile privacy.",
)
class UserType(PkId, relay.Node):
    """A reader. Identity (username, display name) is public; the rest follows profile privacy."""

    username: str = model_field(description="Unique handle, e.g. `ada`.")
    date_joined: datetime = model_field(description="When the reader signed up.")
    avatar_url: str | None = avatar_url()

    @strawberry.field(description="The reader's email address. Only the reader may read it.")
    def email(self, info: Info) -> str:
        require_owner(info, self.pk, "an email address")
        return self.email

    @strawberry.field(
        description="Whether the reader confirmed their email address (the link mailed at "
        "sign-up, `requestEmailVerification`, or a confirmed change of address). Until then "
        "no notification email is sent to it and `changeEmail` is refused. Only the reader may "
        "read it."
    )
    def email_verified(self, info: Info) -> bool:
        require_owner(info, self.pk, "whether an email address is verified")
        return self.email_verified_at is not None

    @strawberry_django.field(
        description="The reader's logged-in sessions that can still be used, most recently "
        f"used first (at most {MAX_SESSIONS_LISTED}). Only the reader may read them."
    )
    async def sessions(self, info: Info) -> list[SessionType]:
        require_owner(info, self.pk, "sessions")
        return await sessions_of(info, self)

    @sql(Expr(lambda viewer: when(Q(pk=viewer.pk))))
    @strawberry.field(description="True when this user is the viewer.")
    def is_viewer(self, info: Info) -> bool:
        return info.context.viewer_id == self.pk

    @sql(Expr(lambda viewer: DISPLAY_NAME))
    @strawberry.field(description="Display name, or the username when none is set.")
    def display_name(self, info: Info) -> str:
        def shown(profile: models.Profile | None) -> str:
            return (profile.display_name if profile else "") or self.username

        if models.User.profile.is_cached(self):  # selected with the row
            return shown(getattr(self, "profile", None))
        return info.context.loaders.get(ProfileByUserIdLoader).load_then(self.pk, shown)

    @strawberry_django.field(
        description="The reader's personal access tokens that are not revoked (expired ones "
        "included: see `expiresAt`), newest first. Only the reader may read them."
    )
    async def personal_access_tokens(self, info: Info) -> list[PersonalAccessTokenType]:
        require_owner(info, self.pk, "personal access tokens")
        return await sync_to_async(list)(live_tokens(self))

    @strawberry_django.field(
        description="The reader's personal data export (`exportPersonalData`), the latest; "
        "null when there is none. Only the reader may read it."
    )
    async def personal_data_export(self, info: Info) -> PersonalDataExportType | None:
        require_owner(info, self.pk, "personal data exports")
        return await models.PersonalDataExport.objects.filter(user_id=self.pk).afirst()

    @sql(Rows(lambda row, viewer: models.Profile.objects.filter(visible_q(viewer), user_id=row.pk)))
    @strawberry_django.field(
        description="The reader's profile; null when its privacy hides it from the viewer."
    )
    async def profile(self, info: Info) -> ProfileType | None:
        return await info.context.loaders.get(VisibleProfileByUserIdLoader).load(self.pk)

    @sql(Expr(lambda viewer: _follows(viewer.pk, OuterRef("pk"))))
    @strawberry_django.field(description="Whether the viewer follows this reader.")
    async def is_followed_by_viewer(self, info: Info) -> bool:
        return await info.context.loaders.get(FollowedByViewerLoader).load(self.pk)

    @sql(Expr(lambda viewer: _follows(OuterRef("pk"), viewer.pk)))
    @strawberry_django.field(description="Whether this reader follows the viewer.")
    async def follows_viewer(self, info: Info) -> bool:
        return await info.context.loaders.get(FollowsViewerLoader).load(self.pk)

    @sql(Expr(lambda viewer: _count_follows("followee", "follower")))
    @strawberry_django.field(description="How many readers follow this one.")
    async def followers_count(self, info: Info) -> int:
        return await info.context.loaders.get(FollowerCountByUserIdLoader).load(self.pk)

    @sql(Expr(lambda viewer: _count_follows("follower", "followee")))
    @strawberry_django.field(description="How many readers this one follows.")
    async def following_count(self, info: Info) -> int:
        return await info.context.loaders.get(FollowingCountByUserIdLoader).load(self.pk)

    @connection(
        CursorConnection["UserType"],
        description="Readers who follow this one, most recent first. Empty when this "
        "reader's profile is hidden from the viewer (the count stays public).",
    )
    def followers(self, info: Info) -> QuerySet[models.User]:
        return followers_of(self.pk, info.context.user)

    @connection(
        CursorConnection["UserType"],
        description="Readers this one follows, most recent first. Empty when this reader's "
        "profile is hidden from the viewer (the count stays public).",
    )
    def following(self, info: Info) -> QuerySet[models.User]:
        return following_of(self.pk, info.context.user)

    @connection(
        CursorConnection["UserType"],
        description="Readers this one blocked, most recently blocked first. Only the reader "
        "sees them: empty for anyone else.",
    )
    def blocked_users(self, info: Info) -> QuerySet[models.User]:
        return _blocked_or_muted(self.pk, info.context.user, "blocks_received__blocker")

    @connection(
        CursorConnection["UserType"],
        description="Readers this one muted, most recently muted first. Only the reader sees "
        "them: empty for anyone else.",
    )
    def muted_users(self, info: Info) -> QuerySet[models.User]:
        return _blocked_or_muted(self.pk, info.context.user, "mutes_received__muter")

    @connection(
        CursorConnection[Annotated["ReportType", strawberry.lazy("schema.moderation.types")]],
        description="Reports this reader filed, newest first, with their status. Only the "
        "reader sees them: empty for anyone else.",
    )
    def reports(self, info: Info) -> QuerySet[Report]:
        viewer = info.context.user
        if viewer is None or not viewer.is_authenticated:
            return Report.objects.none()
        return Report.objects.filter(Q(reporter_id=self.pk) & Q(reporter_id=viewer.pk)).order_by(
            "-created_at", "-id"
        )

    @connection(
        CursorConnection[Annotated["QuoteType", strawberry.lazy("schema.impressions.types")]],
        description="Quotes this reader kept that the viewer may see, newest first.",
    )
    async def quotes(self, info: Info) -> QuerySet[Quote]:
        # Visibility: `QuoteType.get_queryset` narrows every list of quotes.
        return user_quotes(self.pk)

    @sql(Rows(lambda row, viewer: _up_next(row.pk, viewer), many=True))
    @strawberry_django.field(
        description="The books this reader means to read next, in order (at most 10). Empty "
        "when their profile privacy hides their shelves from the viewer."
    )
    async def up_next(
        self, info: Info
    ) -> list[Annotated["UpNextItemType", strawberry.lazy("schema.reading.types")]]:
        return await sync_to_async(list)(_up_next(self.pk, info.context.user))

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids, required: bool = False):
        # `node(id:)` leaves out readers across a block, as `user(username:)` does.
        ids = [int(key) for key in node_ids if str(key).isdigit()]
        rows = models.User.objects.filter(pk__in=ids).filter(
            not_blocked_q(info.context.user, owner="pk")
        )
        found = {user.pk: user async for user in rows}
        return [found.get(int(key)) if str(key).isdigit() else None for key in node_ids]


def _blocked_or_muted(user_id: int, viewer, side: str) -> QuerySet[models.User]:
    """The readers `user_id` blocked or muted (`side`), newest first; none for others."""
    if viewer is None or not viewer.is_authenticated:
        return models.User.objects.none()
    relation = side.rsplit("__", 1)[0]
    return (
        models.User.objects.filter(Q(**{f"{side}_id": user_id}) & Q(**{f"{side}_id": viewer.pk}))
        .annotate(since=F(f"{relation}__created_at"))
        .order_by("-since", "-id")
    )


def _up_next(user_id, viewer) -> QuerySet[UpNextItem]:
    """A reader's queue as `viewer` may see it: the rule of their shelves."""
    return (
        UpNextItem.objects.filter(user_id=user_id)
        .filter(profile_visible_q(viewer))
        .order_by("position")
    )


def _profile_visible_q(user_id: int, viewer) -> Exists:
    """True in SQL when `viewer` may see the profile of `user_id` (same rule as `profile`)."""
    return Exists(models.Profile.objects.filter(user_id=user_id).filter(visible_q(viewer)))


def followers_of(user_id: int, viewer) -> QuerySet[models.User]:
    """Active followers of `user_id`, newest follow first; none when the profile is hidden."""
    return (
        models.User.objects.filter(following_set__followee_id=user_id, is_active=True)
        .filter(_profile_visible_q(user_id, viewer), not_blocked_q(viewer, owner="pk"))
        .annotate(followed_at=F("following_set__created_at"))
        .order_by("-followed_at", "-id")
    )


def following_of(user_id: int, viewer) -> QuerySet[models.User]:
    """Active readers `user_id` follows, newest follow first; none when the profile is hidden."""
    return (
        models.User.objects.filter(follower_set__follower_id=user_id, is_active=True)
        .filter(_profile_visible_q(user_id, viewer), not_blocked_q(viewer, owner="pk"))
        .annotate(followed_at=F("follower_set__created_at"))
        .order_by("-followed_at", "-id")
    )
