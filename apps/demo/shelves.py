"""Each reader's shelves, ratings and reviews, drawn from their taste in the cast.

A reader picks books by weighted sampling: a book in their favourite genres is several times
likelier than one outside them, and a widely read book (Goodreads' ratings count) likelier
than an obscure one, so the big names show up on many shelves and tastes still differ.
Ratings follow the shelves: only books read or abandoned are rated, abandoned ones low.
"""

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from apps.core.models import Privacy
from apps.demo.bulk import bulk_create_stamped
from apps.demo.catalogue import Catalogue, DemoBook
from apps.demo.clock import before_reference, day, moment, reference_moment, rng_for
from apps.demo.people import Person
from apps.demo.texts import SHELF_NOTES, dnf_text, review_text
from apps.reading.models import Rating, ReadingStatus, Review, UserBook

HALF = Decimal("0.5")
_STRICTNESS = {Privacy.PUBLIC: 0, Privacy.FOLLOWERS: 1, Privacy.PRIVATE: 2}


def stricter(a: str, b: str) -> str:
    """The more restrictive of two privacy settings."""
    return a if _STRICTNESS[Privacy(a)] >= _STRICTNESS[Privacy(b)] else b


@dataclass
class Shelf:
    """What one reader has: shelf entries (with their catalogue books), ratings and reviews."""

    person: Person
    entries: list[UserBook] = field(default_factory=list)
    books: dict[int, DemoBook] = field(default_factory=dict)  # by id(entry)
    ratings: dict[int, Rating] = field(default_factory=dict)  # by id(entry)
    reviews: list[Review] = field(default_factory=list)
    entry_stamps: list[dict] = field(default_factory=list)
    when: dict[int, datetime] = field(default_factory=dict)  # rating or review, by id(obj)

    def with_status(self, status: str) -> list[UserBook]:
        return [entry for entry in self.entries if entry.status == status]

    def book_of(self, entry: UserBook) -> DemoBook:
        return self.books[id(entry)]


def build_shelves(people: dict[str, Person], catalogue: Catalogue) -> dict[str, Shelf]:
    shelves = {name: _plan_shelf(person, catalogue) for name, person in people.items()}
    every = list(shelves.values())
    bulk_create_stamped(
        UserBook,
        [entry for shelf in every for entry in shelf.entries],
        [stamp for shelf in every for stamp in shelf.entry_stamps],
    )
    bulk_create_stamped(
        Rating,
        [rating for shelf in every for rating in shelf.ratings.values()],
        [_stamp(s.when[id(r)]) for s in every for r in s.ratings.values()],
    )
    bulk_create_stamped(
        Review,
        [review for shelf in every for review in shelf.reviews],
        [_stamp(s.when[id(r)]) for s in every for r in s.reviews],
    )
    return shelves


def _plan_shelf(person: Person, catalogue: Catalogue) -> Shelf:
    reader = person.reader
    rng = rng_for("shelf", reader.username)
    counts = {
        ReadingStatus.READ: reader.books_read,
        ReadingStatus.WANT_TO_READ: round(reader.books_read * 0.4) + rng.randint(2, 6),
        ReadingStatus.READING: rng.randint(1, 3),
        ReadingStatus.PAUSED: rng.randint(1, 2),
        ReadingStatus.DID_NOT_FINISH: rng.randint(1, 2),
    }
    picked = _pick_books(rng, reader.genres, catalogue, sum(counts.values()))
    # Abandoned books are the ones least to the reader's taste; the rest are dealt at random.
    dnf = counts.pop(ReadingStatus.DID_NOT_FINISH)
    statuses = [status for status, n in counts.items() for _ in range(n)]
    rng.shuffle(statuses)
    statuses += [ReadingStatus.DID_NOT_FINISH] * dnf

    shelf = Shelf(person)
    for book, status in zip(picked, statuses, strict=True):
        entry, shelved, changed = _entry(rng, person, book, status)
        shelf.entries.append(entry)
        shelf.books[id(entry)] = book
        shelf.entry_stamps.append({"created_at": shelved, "updated_at": changed})
        rating = _rating(rng, person, book, entry)
        if rating is not None:
            rated = moment(entry.finished_at or changed.date(), rng)
            shelf.ratings[id(entry)] = rating
            shelf.when[id(rating)] = rated
            review = _review(rng, person, book, entry, rating)
            if review is not None:
                shelf.reviews.append(review)
                reviewed = rated + timedelta(hours=rng.randint(1, 60))
                shelf.when[id(review)] = min(reviewed, reference_moment())
    return shelf


def _pick_books(
    rng: random.Random, favourites: tuple[str, ...], catalogue: Catalogue, count: int
) -> list[DemoBook]:
    """`count` distinct books, likeliest first (Efraimidis–Spirakis weighted sampling)."""
    keyed = []
    for book in catalogue.books:
        affinity = sum(
            len(favourites) - favourites.index(g) for g in book.genres if g in favourites
        )
        popularity = 1 + math.log10(max(book.book.source_ratings_count, 100_000) / 100_000)
        weight = (0.3 + affinity) * popularity
        keyed.append((rng.random() ** (1 / weight), book))
    keyed.sort(key=lambda pair: pair[0], reverse=True)
    return [book for _, book in keyed[:count]]


def _entry(rng: random.Random, person: Person, book: DemoBook, status: str):
    """An unsaved shelf entry with believable dates; returns it, when shelved, when last changed."""
    joined = person.reader.joined_days_before
    pages = book.pages
    entry = UserBook(user=person.user, book=book.book, status=status)
    if rng.random() < 0.05:
        entry.private_notes = rng.choice(SHELF_NOTES)
    if status == ReadingStatus.WANT_TO_READ:
        shelved = moment(day(rng.randint(1, joined - 1)), rng)
        return entry, shelved, shelved
    if status == ReadingStatus.READ:
        # Skewed towards the recent past: readers log more once they have the habit.
        finished = rng.randint(2, 2 + int((joined - 62) * rng.random() ** 1.4))
        length = math.ceil(pages / rng.uniform(25, 70)) if pages else rng.randint(3, 21)
        entry.finished_at = day(finished)
        entry.started_at = entry.finished_at - timedelta(days=min(length, 50))
        roll = rng.random()
        entry.read_count = 3 if roll < 0.03 else 2 if roll < 0.11 else 1
    else:
        span = {
            ReadingStatus.READING: (1, 25),
            ReadingStatus.PAUSED: (40, 200),
            ReadingStatus.DID_NOT_FINISH: (30, min(400, joined - 5)),
        }[status]
        entry.started_at = day(rng.randint(*span))
        share = {
            ReadingStatus.READING: (0.05, 0.9),
            ReadingStatus.PAUSED: (0.15, 0.6),
            ReadingStatus.DID_NOT_FINISH: (0.08, 0.35),
        }[status]
        fraction = rng.uniform(*share)
        if pages:
            entry.progress_pages = max(1, round(pages * fraction))
        else:
            entry.progress_percent = Decimal(round(fraction * 100))
    shelved = max(entry.started_at - timedelta(days=rng.randint(0, 45)), day(joined - 1))
    shelved_at = moment(min(shelved, entry.started_at), rng)
    last = entry.finished_at or before_reference(
        entry.started_at + timedelta(days=rng.randint(0, 20))
    )
    return entry, shelved_at, max(moment(last, rng), shelved_at)


def _stamp(at: datetime) -> dict:
    return {"created_at": at, "updated_at": at}


def _rating(rng: random.Random, person: Person, book: DemoBook, entry: UserBook) -> Rating | None:
    reader = person.reader
    if entry.status == ReadingStatus.READ and rng.random() < 0.88:
        liked = 0.35 if set(book.genres) & set(reader.genres) else -0.25
        value = reader.generosity + liked + 0.4 * (entry.read_count - 1) + rng.gauss(0, 0.7)
    elif entry.status == ReadingStatus.DID_NOT_FINISH and rng.random() < 0.6:
        value = reader.generosity - 2 + rng.gauss(0, 0.5)
    else:
        return None
    return Rating(user=person.user, book=book.book, value=_stars(value, reader.half_stars))


def _stars(value: float, half_stars: bool) -> Decimal:
    """0.5–5 in half steps; readers who rate in whole stars only never give a half."""
    if half_stars:
        return min(Decimal(5), max(HALF, Decimal(round(value * 2)) * HALF))
    return Decimal(min(5, max(1, round(value))))


def _review(
    rng: random.Random, person: Person, book: DemoBook, entry: UserBook, rating: Rating
) -> Review | None:
    reader = person.reader
    if entry.status == ReadingStatus.DID_NOT_FINISH:
        if rng.random() >= 0.3:
            return None
        title, body = dnf_text(rng, book.book.title)
        spoiler = False
    else:
        if rng.random() >= reader.review_rate:
            return None
        spoiler = rng.random() < 0.15
        title, body = review_text(rng, book.book.title, book.genres, rating.value, spoiler)
    roll = rng.random()
    if reader.privacy == Privacy.PRIVATE:
        privacy = Privacy.PRIVATE if roll < 0.5 else Privacy.FOLLOWERS
    elif reader.privacy == Privacy.FOLLOWERS:
        privacy = Privacy.PRIVATE if roll < 0.1 else Privacy.FOLLOWERS
    else:
        privacy = (
            Privacy.PRIVATE if roll < 0.08 else Privacy.FOLLOWERS if roll < 0.2 else Privacy.PUBLIC
        )
    return Review(
        user=person.user, book=book.book, title=title, body=body, spoiler=spoiler, privacy=privacy
    )
