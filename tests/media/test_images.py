"""Checking and re-encoding images by content (apps.media.images), with no storage involved."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.core.errors import ErrorCode, Invalid
from apps.media.images import AUTHOR_PHOTO, AVATAR, COVER, Size, render
from tests.media import pictures


def upload(data: bytes, name: str = "picture.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def refusal(data: bytes, name: str = "picture.jpg") -> tuple[ErrorCode, str | None]:
    with pytest.raises(Invalid) as caught:
        render(upload(data, name), AVATAR)
    error = caught.value.errors[0]
    return error.code, error.field


def test_renditions_are_webp_in_fixed_sizes_never_enlarged():
    rendered = render(upload(pictures.jpeg_with_gps((2000, 1500))), AVATAR)
    sizes = {size: decoded(data).size for size, data in rendered.files.items()}
    assert sizes == {Size.SMALL: (96, 96), Size.MEDIUM: (256, 256), Size.LARGE: (1024, 1024)}
    assert all(decoded(data).format == "WEBP" for data in rendered.files.values())

    small = render(upload(pictures.png((300, 450))), COVER)
    sizes = {size: decoded(data).size for size, data in small.files.items()}
    # Covers keep their proportions; a 300×450 cover is not blown up to 1200 px.
    assert sizes == {Size.SMALL: (107, 160), Size.MEDIUM: (300, 450), Size.LARGE: (300, 450)}


def test_exif_and_gps_are_gone():
    original = decoded(pictures.jpeg_with_gps())
    assert original.getexif().get_ifd(0x8825)  # the test file does carry GPS data
    rendered = render(upload(pictures.jpeg_with_gps()), AUTHOR_PHOTO)
    for data in rendered.files.values():
        image = decoded(data)
        assert not image.getexif()
        assert not {"exif", "xmp", "icc_profile"} & set(image.info)
        assert b"Exif" not in data and b"Ada Lovelace" not in data and b"Camera" not in data


def test_orientation_is_applied():
    rendered = render(upload(pictures.jpeg_rotated_by_exif()), COVER)
    image = decoded(rendered.files[Size.LARGE]).convert("RGB")
    assert image.size == (600, 800)  # portrait, as the camera meant it
    top = image.getpixel((300, 100))
    bottom = image.getpixel((300, 700))
    assert top[0] > 150 > top[2]  # red above (the picture's left half, turned clockwise)
    assert bottom[2] > 150 > bottom[0]


def test_transparency_is_kept_and_opaque_images_lose_their_alpha():
    assert decoded(render(upload(pictures.png(mode="RGBA")), COVER).files[Size.SMALL]).mode == (
        "RGBA"
    )
    assert decoded(render(upload(pictures.webp()), COVER).files[Size.SMALL]).mode == "RGB"


def test_same_image_same_hash_other_image_other_hash():
    first = render(upload(pictures.webp()), AVATAR)
    again = render(upload(pictures.webp(), name="renamed.png"), AVATAR)
    other = render(upload(pictures.webp((410, 300))), AVATAR)
    assert first.digest == again.digest != other.digest


def test_a_text_file_named_jpg_is_not_an_image():
    assert refusal(b"hello, I am not a picture\n" * 100, "photo.jpg") == (
        ErrorCode.NOT_AN_IMAGE,
        "file",
    )


def test_other_image_formats_are_refused():
    assert refusal(pictures.gif(), "animation.png")[0] == ErrorCode.NOT_AN_IMAGE


def test_a_file_over_the_size_limit_is_too_large(settings):
    assert refusal(pictures.oversized(11))[0] == ErrorCode.TOO_LARGE
    settings.UPLOAD_MAX_BYTES = 100
    assert refusal(pictures.webp())[0] == ErrorCode.TOO_LARGE


@pytest.mark.parametrize(
    "width, height",
    [
        (50_000, 50_000),  # 2.5 gigapixels: Pillow's own guard trips too
        (10_000, 4_001),  # 40.01 megapixels: only BookNest's limit stands in the way
    ],
)
def test_a_decompression_bomb_is_refused_from_its_header(monkeypatch, width, height):
    # Decoding 50,000×50,000 pixels would need 7.5 GB: refused without decoding anything.
    monkeypatch.setattr(Image.Image, "load", lambda self: pytest.fail("decoded a bomb"))
    data = pictures.png_header_claiming(width, height)
    assert len(data) < 200
    assert refusal(data)[0] == ErrorCode.TOO_MANY_PIXELS


def test_the_pixel_limit_is_a_setting(settings):
    settings.UPLOAD_MAX_PIXELS = 100_000
    assert refusal(pictures.webp((400, 300)))[0] == ErrorCode.TOO_MANY_PIXELS
    settings.UPLOAD_MAX_PIXELS = 120_000
    assert render(upload(pictures.webp((400, 300))), AVATAR).files


def test_a_truncated_jpeg_is_corrupt():
    assert refusal(pictures.truncated_jpeg()) == (ErrorCode.CORRUPT, "file")
