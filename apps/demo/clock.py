"""The demo world's fixed clock and randomness, so every build of it is the same world.

Content (shelf dates, reviews, follows, the feed) is dated relative to `REFERENCE_DATE`, never
to `now()`: rebuilding the world next month gives the same world. Only lending, whose deadlines
background jobs act on, is dated relative to the moment of seeding (see `lending.py`).
"""

import random
from datetime import UTC, date, datetime, time, timedelta

SEED = 20261101
REFERENCE_DATE = date(2026, 11, 1)
REFERENCE_YEAR = REFERENCE_DATE.year
_REFERENCE_NOON = datetime.combine(REFERENCE_DATE, time(12, 0), tzinfo=UTC)


def rng_for(*parts: object) -> random.Random:
    """A generator of its own for one part of the world (a section, a reader).

    Seeding each part separately keeps the rest of the world unchanged when one part is
    edited (a reader added, a list renamed). String seeds are hashed with SHA-512 by
    `random`, so they do not depend on PYTHONHASHSEED.
    """
    return random.Random(":".join(str(p) for p in (SEED, *parts)))  # noqa: S311 -- not secrets


def day(days_before: int) -> date:
    return REFERENCE_DATE - timedelta(days=days_before)


def before_reference(on: date) -> date:
    """`on`, or the day before the reference date if `on` is not before it."""
    return min(on, REFERENCE_DATE - timedelta(days=1))


def moment(on: date, rng: random.Random) -> datetime:
    """A believable waking-hours time on `on` (UTC)."""
    return datetime.combine(on, time(7, 0), tzinfo=UTC) + timedelta(
        minutes=rng.randrange(16 * 60), seconds=rng.randrange(60)
    )


def moment_before(days_before: int, rng: random.Random) -> datetime:
    return moment(day(days_before), rng)


def reference_moment() -> datetime:
    return _REFERENCE_NOON
