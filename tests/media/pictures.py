"""Image files made in the test, byte for byte: with GPS EXIF, rotated by EXIF, broken, huge."""

import io
import struct
import zlib

from PIL import ExifTags, Image

GPS_LATITUDE = (48.0, 51.0, 29.64)  # somewhere in Paris: must never be published


def encode(image: Image.Image, format: str = "JPEG", **params) -> bytes:
    out = io.BytesIO()
    image.save(out, format, **params)
    return out.getvalue()


def photo(size=(800, 600), color=(200, 40, 40)) -> Image.Image:
    """A landscape picture whose left half is red and right half blue (to see rotations)."""
    image = Image.new("RGB", size, color)
    image.paste((30, 60, 220), (size[0] // 2, 0, size[0], size[1]))
    return image


def jpeg_with_gps(size=(800, 600)) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Camera Maker"
    exif[ExifTags.Base.Artist] = "Ada Lovelace"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 20.0, 56.0)
    return encode(photo(size), "JPEG", exif=exif, quality=90)


def jpeg_rotated_by_exif() -> bytes:
    """Stored landscape (800×600) with orientation 6: shown upright it is portrait (600×800),
    red on top and blue below."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # rotate 90° clockwise to display
    return encode(photo((800, 600)), "JPEG", exif=exif, quality=90)


def png(size=(300, 450), mode="RGBA") -> bytes:
    image = Image.new(mode, size, (10, 120, 10, 128) if mode == "RGBA" else (10, 120, 10))
    return encode(image, "PNG")


def webp(size=(400, 300)) -> bytes:
    return encode(photo(size), "WEBP")


def gif(size=(50, 50)) -> bytes:
    return encode(Image.new("P", size), "GIF")


def truncated_jpeg() -> bytes:
    data = encode(photo((1200, 900)), "JPEG", quality=95)
    return data[: len(data) // 2]


def png_header_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width`×`height` pixels: a decompression bomb's shape.
    Decoding it would need width×height×3 bytes; only the header may ever be read."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = zlib.compress(b"\0" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


def oversized(megabytes: int = 11) -> bytes:
    """A valid JPEG start followed by padding: over the size limit whatever its content."""
    return encode(photo((64, 64)), "JPEG") + b"\0" * (megabytes * 1024 * 1024)
