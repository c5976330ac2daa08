"""Checking an uploaded image by its content, and re-encoding it in fixed sizes.

The checks run in order of cost, and each refusal is a typed error on the `file` field:
- more bytes than `UPLOAD_MAX_BYTES` → TOO_LARGE (from the upload's size, before reading it);
- not a JPEG, PNG or WebP by content (the file name and the client's content type are
  ignored) → NOT_AN_IMAGE;
- more pixels than `UPLOAD_MAX_PIXELS` → TOO_MANY_PIXELS, read from the header before
  anything is decoded, so a decompression bomb never reaches memory;
- a file that does not decode completely (truncated, corrupt) → CORRUPT.

What is stored is never the upload itself: pixels are decoded, turned upright by their EXIF
orientation, converted to sRGB, and re-encoded as WebP with no metadata at all (no EXIF, GPS,
XMP or ICC profile), in the sizes of the image's kind. Nothing here touches storage.
"""

import hashlib
import io
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

from apps.core.errors import ErrorCode, Invalid

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
CONTENT_TYPE = "image/webp"
EXTENSION = "webp"
WEBP_QUALITY = 82
# Decoding errors Pillow raises for files that are cut short or damaged.
DECODING_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError)

# A truncated file must be refused, never silently completed with grey pixels.
ImageFile.LOAD_TRUNCATED_IMAGES = False


class Size(StrEnum):
    """Rendition sizes, smallest first; the value is the suffix of the stored key."""

    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


@dataclass(frozen=True)
class Kind:
    """How images of one purpose are rendered: longest edge (or side) per size, square or not."""

    name: str
    edges: dict[Size, int]
    square: bool


AVATAR = Kind("avatar", {Size.SMALL: 96, Size.MEDIUM: 256, Size.LARGE: 1024}, square=True)
COVER = Kind("cover", {Size.SMALL: 160, Size.MEDIUM: 480, Size.LARGE: 1200}, square=False)
AUTHOR_PHOTO = Kind("author photo", {Size.SMALL: 96, Size.MEDIUM: 320, Size.LARGE: 1024}, False)


@dataclass(frozen=True)
class Rendered:
    """The re-encoded image in every size, and a hash of those bytes (for cache-safe keys)."""

    digest: str
    files: dict[Size, bytes]
    dimensions: dict[Size, tuple[int, int]]


def refuse(code: ErrorCode, message: str) -> Invalid:
    return Invalid(message, field="file", code=code)


def file_size(file) -> int:
    """Bytes in the upload; a file part cut short by `BoundedUploadHandler` keeps its full size."""
    size = getattr(file, "size", None)
    if size is None:
        size = file.seek(0, io.SEEK_END)
    return size


def check_size(size: int) -> None:
    limit = settings.UPLOAD_MAX_BYTES
    if size > limit:
        raise refuse(ErrorCode.TOO_LARGE, f"The file is larger than {limit // (1024 * 1024)} MB.")


def open_image(file) -> Image.Image:
    """The image with only its header read, or a refusal: wrong type or too many pixels."""
    file.seek(0)
    try:
        image = Image.open(file, formats=sorted(ACCEPTED_FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow's own guard (see MediaConfig.ready): the warning only arrives as an exception
        # when warnings are errors (python -W error).
        raise too_many_pixels() from exc
    except (UnidentifiedImageError, *DECODING_ERRORS) as exc:
        raise refuse(
            ErrorCode.NOT_AN_IMAGE, "Not a JPEG, PNG or WebP image (checked by content)."
        ) from exc
    if image.format not in ACCEPTED_FORMATS:  # defensive: `formats=` already restricts
        raise refuse(ErrorCode.NOT_AN_IMAGE, "Only JPEG, PNG and WebP images are accepted.")
    if image.width * image.height > settings.UPLOAD_MAX_PIXELS:
        raise too_many_pixels()
    return image


def too_many_pixels() -> Invalid:
    megapixels = settings.UPLOAD_MAX_PIXELS / 1_000_000
    return refuse(ErrorCode.TOO_MANY_PIXELS, f"The image has more than {megapixels:g} megapixels.")


def decode(image: Image.Image, kind: Kind) -> Image.Image:
    """All pixels, upright, in sRGB (RGB, or RGBA when transparency is actually used)."""
    largest = max(kind.edges.values())
    if image.format == "JPEG":
        # Decode at a reduced scale (1/2 … 1/8) when the largest rendition allows: same result,
        # a fraction of the memory and time. Never below the largest rendition.
        image.draft("RGB", (largest, largest))
    try:
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_many_pixels() from exc
    except DECODING_ERRORS as exc:
        raise refuse(ErrorCode.CORRUPT, "The image is truncated or corrupt.") from exc
    try:
        upright = ImageOps.exif_transpose(image)
    except DECODING_ERRORS:  # a malformed EXIF block: keep the pixels as they are
        upright = image
    return to_srgb(upright, image.info.get("icc_profile"))


def has_alpha(image: Image.Image) -> bool:
    return image.mode in {"RGBA", "LA", "PA", "RGBa", "La"} or (
        image.mode == "P" and "transparency" in image.info
    )


def to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    mode = "RGBA" if has_alpha(image) else "RGB"
    converted = image.convert(mode) if image.mode != mode else image
    if icc_profile:
        # Colours stay right once the profile is gone: convert them to sRGB first.
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            converted = ImageCms.profileToProfile(
                converted, source, ImageCms.createProfile("sRGB"), outputMode=mode
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # an unreadable profile: the pixels are most likely sRGB already
    if mode == "RGBA" and converted.getchannel("A").getextrema() == (255, 255):
        converted = converted.convert("RGB")  # fully opaque: smaller files
    return converted


def resize(image: Image.Image, edge: int, square: bool) -> Image.Image:
    """At most `edge` pixels on the longest side (square: a centred square), never enlarged."""
    width, height = image.size
    if square:
        side = min(edge, width, height)
        return ImageOps.fit(image, (side, side), Image.Resampling.LANCZOS)
    ratio = min(1.0, edge / max(width, height))
    size = (max(1, round(width * ratio)), max(1, round(height * ratio)))
    if size == image.size:
        return image
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def encode(image: Image.Image) -> bytes:
    clean = image.copy()
    clean.info = {}  # resize/convert copy `info` (EXIF, XMP, ICC): none of it is written
    out = io.BytesIO()
    clean.save(out, "WEBP", quality=WEBP_QUALITY, method=4, exif=b"", xmp=b"", icc_profile=b"")
    return out.getvalue()


def render(file, kind: Kind) -> Rendered:
    """Check `file` (an uploaded file or any binary file object) and render it for `kind`.

    Raises `Invalid` with TOO_LARGE, NOT_AN_IMAGE, TOO_MANY_PIXELS or CORRUPT on `file`.
    """
    if not (hasattr(file, "read") and hasattr(file, "seek")):
        # e.g. a string in a JSON request's variables, where a multipart file part belongs
        raise refuse(ErrorCode.NOT_AN_IMAGE, "Send the image as a file (multipart request).")
    check_size(file_size(file))
    image = open_image(file)
    try:
        pixels = decode(image, kind)
        files: dict[Size, bytes] = {}
        dimensions: dict[Size, tuple[int, int]] = {}
        source = pixels
        for size in sorted(kind.edges, key=kind.edges.get, reverse=True):
            source = resize(source, kind.edges[size], kind.square)  # large → small: cheaper
            files[size] = encode(source)
            dimensions[size] = source.size
    finally:
        image.close()
    digest = hashlib.sha256(b"".join(files[size] for size in Size)).hexdigest()[:24]
    return Rendered(digest=digest, files=files, dimensions=dimensions)
