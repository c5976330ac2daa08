"""URL fields of images: `User.avatarUrl`, `Book.coverUrl`, `Author.photoUrl`.

Added to the types of their domains (one line each) so every image is served the same way:
one size at a time, as an absolute URL (the storage's own URL on S3, presigned when
`AWS_QUERYSTRING_AUTH` is on; this server's media URL otherwise), null when there is no image.
"""

from typing import Annotated

import strawberry
import strawberry_django
from django.db.models import F, OuterRef, Subquery

from apps.accounts.models import Profile
from apps.media import storage
from apps.media.images import Size
from schema.accounts.loaders import ProfileByUserIdLoader
from schema.compiled.forms import Post, sql
from schema.context import Context, Info

ImageSize = strawberry.enum(
    Size,
    name="ImageSize",
    description="Which rendition of an image: SMALL (lists, ~100 px), MEDIUM (pages, ~256–480 "
    "px) or LARGE (~1024–1200 px). Images are never enlarged beyond what was uploaded.",
)

SizeArgument = Annotated[
    ImageSize, strawberry.argument(description="The rendition wanted; MEDIUM when left out.")
]


def absolute_url(name: str | None, arguments: dict, context: Context) -> str | None:
    """The URL of the image stored as `name` in the size asked for (both read paths)."""
    url = storage.url(name, arguments.get("size", Size.MEDIUM))
    if url is None or "://" in url:
        return url
    build = getattr(context.request, "build_absolute_uri", None)
    return build(url) if build else url


async def resolve_avatar_url(root, info: Info, size: SizeArgument = Size.MEDIUM) -> str | None:
    # Part of the reader's public identity, like the display name: not hidden by profile privacy.
    profile = await info.context.loaders.get(ProfileByUserIdLoader).load(root.pk)
    return absolute_url(profile.avatar.name if profile else None, {"size": size}, info.context)


def resolve_cover_url(root, info: Info, size: SizeArgument = Size.MEDIUM) -> str | None:
    return absolute_url(root.cover.name, {"size": size}, info.context)


def resolve_photo_url(root, info: Info, size: SizeArgument = Size.MEDIUM) -> str | None:
    return absolute_url(root.photo.name, {"size": size}, info.context)


# On the compiled read path: the file name read in SQL, the URL made from it afterwards (signing
# an S3 URL is computed here too, no request goes out).
def _avatar_name(viewer):
    return Subquery(Profile.objects.filter(user_id=OuterRef("pk")).values("avatar")[:1])


def avatar_url():
    return sql(Post(_avatar_name, absolute_url))(
        strawberry_django.field(
            resolver=resolve_avatar_url,
            description="URL of the reader's avatar (square) in the given size; null when none.",
        )
    )


def cover_url():
    return sql(Post(lambda viewer: F("cover"), absolute_url))(
        strawberry_django.field(
            resolver=resolve_cover_url,
            description="URL of the cover in the given size (proportions kept); null when none.",
        )
    )


def photo_url():
    return sql(Post(lambda viewer: F("photo"), absolute_url))(
        strawberry_django.field(
            resolver=resolve_photo_url,
            description="URL of the person's photo in the given size; null when none.",
        )
    )
