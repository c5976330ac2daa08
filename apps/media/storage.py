"""Where renditions live: content-hashed keys in the default storage (S3 or the local folder).

An image is stored as one object per size, `<folder>/<owner id>/<hash>-<size>.webp`; the model's
ImageField holds the LARGE key and the other sizes are derived from it. The hash is of the
re-encoded bytes, so a key never changes meaning and caches may keep it forever; a new image
always gets new keys. A value that does not follow the pattern (set in the admin, or imported)
is one plain file, served for every size; an absolute URL is served as it is.
"""

import logging
import re

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from apps.media.images import CONTENT_TYPE, EXTENSION, Rendered, Size

logger = logging.getLogger(__name__)

RENDITION_KEY = re.compile(
    rf"\A(?P<base>.+/[0-9a-f]{{16,64}})-(?P<size>{'|'.join(Size)})\.{EXTENSION}\Z"
)


def rendition_keys(name: str | None) -> dict[Size, str]:
    """The key of every size of the image stored under `name` (the LARGE key); {} for none."""
    if not name:
        return {}
    match = RENDITION_KEY.match(name)
    if not match:
        return dict.fromkeys(Size, name)
    return {size: f"{match['base']}-{size}.{EXTENSION}" for size in Size}


def store(folder: str, rendered: Rendered) -> dict[Size, str]:
    """Write every rendition under `folder`; all or nothing. Returns the keys by size."""
    keys = {size: f"{folder}/{rendered.digest}-{size}.{EXTENSION}" for size in rendered.files}
    written: list[str] = []
    try:
        for size, key in keys.items():
            if default_storage.exists(key):
                continue  # same hash, same bytes: already there (the same image uploaded again)
            content = ContentFile(rendered.files[size])
            content.content_type = CONTENT_TYPE  # django-storages sends it as Content-Type
            saved = default_storage.save(key, content)
            if saved != key:  # a storage that renames instead of overwriting: keys must match
                default_storage.delete(saved)
                raise RuntimeError(f"storage saved {key!r} as {saved!r}")
            written.append(key)
    except Exception:
        delete_keys(written)
        raise
    return keys


def delete_keys(keys, *, keep=()) -> None:
    """Delete stored objects, except those in `keep`; a failure is logged, never raised (the
    database change it follows has already happened)."""
    for key in set(keys) - set(keep):
        try:
            default_storage.delete(key)
        except Exception:  # storage down: an orphan to clean later, not a failed request
            logger.exception("could not delete %s from storage", key)


def is_external(name: str) -> bool:
    """A URL elsewhere (e.g. set by an import), served as it is and never deleted."""
    return "://" in name


def delete_image(name: str | None, *, keep=()) -> None:
    """Delete every rendition of the image stored under `name`."""
    if name and not is_external(name):
        delete_keys(rendition_keys(name).values(), keep=keep)


def url(name: str | None, size: Size) -> str | None:
    """The storage's URL of one size (presigned when the S3 storage is so configured)."""
    key = rendition_keys(name).get(size)
    if not key or is_external(key):
        return key or None
    return default_storage.url(key)
