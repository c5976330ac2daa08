"""The "year in books" card: a PNG of a reader's year (covers, counts, a month chart), drawn
server-side with Pillow and kept in media storage.

The card is stored under a key that hashes everything drawn on it (`year-in-books/<user id>/
<year>-<hash>.png`), so it is drawn once per state of the year's data: asking again returns
the stored card; finishing another book, a new cover or a new count gives a new key, and the
year's older cards are deleted. Covers are the books' SMALL renditions; a book without one (or
whose rendition cannot be read) gets a tile of a colour of its own.

Layout (pixels, for tests and designers): 1080 × 1080; the first 12 books of the year in finish
order as covers of 140 × 210 in two rows of six from (80, 220), 16 apart; a bar per month,
60 wide, every 77 px from x = 80, rising from y = 1000 by up to 240 px in proportion to the
busiest month.
"""

import hashlib
import io
import json
import logging
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont

from apps.catalog.models import Book
from apps.media.images import Size
from apps.media.storage import is_external, rendition_keys
from apps.reading.stats import YearStats, year_stats

logger = logging.getLogger(__name__)

VERSION = 1  # bump when the drawing changes: every card is then drawn anew
SIZE = (1080, 1080)
BACKGROUND = (250, 246, 240)
INK = (40, 36, 32)
BAR = (196, 78, 58)
COVER_SIZE = (140, 210)
COVERS_ORIGIN, COVER_GAP, COVERS_PER_ROW, MAX_COVERS = (80, 220), 16, 6, 12
BAR_LEFT, BAR_STEP, BAR_WIDTH, BAR_BASE, BAR_HEIGHT = 80, 77, 60, 1000, 240
FOLDER = "year-in-books"


@dataclass(frozen=True)
class Card:
    key: str
    created: bool  # drawn for this request (False: the stored card was current)


def year_in_books_card(user_id: int, year: int) -> Card:
    """The stored card of the reader's year, drawn and stored first if the data changed."""
    stats = year_stats(user_id, year)
    covers = dict(
        Book.objects.filter(pk__in=stats.book_ids[:MAX_COVERS]).values_list("pk", "cover")
    )
    drawn = {
        "version": VERSION,
        "year": year,
        "books": stats.books,
        "pages": stats.pages,
        "minutes": stats.minutes,
        "months": [m.books for m in stats.months],
        "covers": [[pk, covers.get(pk) or ""] for pk in stats.book_ids[:MAX_COVERS]],
    }
    digest = hashlib.sha256(json.dumps(drawn, sort_keys=True).encode()).hexdigest()[:20]
    folder = f"{FOLDER}/{user_id}"
    key = f"{folder}/{year}-{digest}.png"
    if default_storage.exists(key):
        return Card(key, created=False)
    png = render(stats, drawn["covers"])
    content = ContentFile(png)
    content.content_type = "image/png"
    saved = default_storage.save(key, content)
    if saved != key:  # a concurrent request stored the same card first: same bytes, keep one
        default_storage.delete(saved)
    _forget_older(folder, year, keep=key)
    return Card(key, created=True)


def render(stats: YearStats, covers: list[list]) -> bytes:
    image = Image.new("RGB", SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    title = ImageFont.load_default(size=64)
    text = ImageFont.load_default(size=32)
    draw.text((80, 60), f"My {stats.year} in books", fill=INK, font=title)
    counts = f"{stats.books} books · {stats.pages:,} pages"
    if stats.minutes:
        counts += f" · {stats.minutes:,} minutes"
    draw.text((80, 140), counts, fill=INK, font=text)
    for index, (book_id, cover) in enumerate(covers):
        row, column = divmod(index, COVERS_PER_ROW)
        x = COVERS_ORIGIN[0] + column * (COVER_SIZE[0] + COVER_GAP)
        y = COVERS_ORIGIN[1] + row * (COVER_SIZE[1] + COVER_GAP)
        image.paste(_cover(book_id, cover), (x, y))
    busiest = max((m.books for m in stats.months), default=0)
    small = ImageFont.load_default(size=24)
    for month in stats.months:
        x = BAR_LEFT + (month.month - 1) * BAR_STEP
        if busiest and month.books:
            height = round(BAR_HEIGHT * month.books / busiest)
            draw.rectangle((x, BAR_BASE - height, x + BAR_WIDTH - 1, BAR_BASE - 1), fill=BAR)
        draw.text((x + 22, BAR_BASE + 12), "JFMAMJJASOND"[month.month - 1], fill=INK, font=small)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def placeholder_colour(book_id: int) -> tuple[int, int, int]:
    """A book without a cover gets a tile of its own, muted colour."""
    seed = hashlib.sha256(str(book_id).encode()).digest()
    return tuple(90 + seed[i] % 120 for i in range(3))


def _cover(book_id: int, name: str) -> Image.Image:
    key = rendition_keys(name).get(Size.SMALL) if name else None
    if key and not is_external(key):
        try:
            with default_storage.open(key) as stored:
                cover = Image.open(stored)
                cover.load()
            return cover.convert("RGB").resize(COVER_SIZE)
        except Exception:  # a missing or unreadable rendition: the tile instead, and a note
            logger.warning("year card: cover %s of book %s unreadable", key, book_id)
    return Image.new("RGB", COVER_SIZE, placeholder_colour(book_id))


def _forget_older(folder: str, year: int, keep: str) -> None:
    """Delete the year's earlier cards (a failure is logged: they are only stale files)."""
    try:
        _, files = default_storage.listdir(folder)
    except (FileNotFoundError, OSError):
        return
    for name in files:
        key = f"{folder}/{name}"
        if name.startswith(f"{year}-") and key != keep:
            try:
                default_storage.delete(key)
            except Exception:
                logger.warning("year card: could not delete %s", key)
