"""Rankings of books — trending, popular, top rated — computed in SQL and cached.

Cache keys: `rankings:v1:<kind>:<window>:<genre>:g<generation>` (`window` is `all` for the
rankings without one, `genre` a genre slug or `all`), holding the best `MAX_RANKED` book ids and
when they were computed, for `RANKINGS_CACHE_TTL` seconds. Rating services call
`invalidation.ratings_changed()` after each change; after `RANKINGS_INVALIDATE_AFTER` changes the
generation (`rankings:v1:generation`) moves on, so every ranking is recomputed on its next read
(entries of old generations simply expire). Trending also moves with shelves and reviews, which
only the TTL refreshes: a few minutes late is fine for a "trending" list.

- trending: recent activity in the window (day, week, month): each activity of a reader counts
  by its verb (`TRENDING_WEIGHTS`), each rating given or changed in the window by 1 + stars/5
  (the `rated` activities are left out so a rating is not counted twice). Every activity
  counts whatever its privacy: only totals are shown, never who.
- popular: BookNest's own `ratings_count`, then the source's `source_ratings_count` (imports)
  to order books BookNest readers have not rated yet, or equally.
- top rated: Bayesian average `(m·C + Σ ratings) / (m + n)`, C the mean of all BookNest ratings,
  m = `RANKINGS_BAYES_WEIGHT`: one 5-star rating moves a book only a little above C.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Count, ExpressionWrapper, F, FloatField, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast
from django.utils import timezone

from apps.catalog.models import Book, Genre
from apps.discovery.invalidation import KEY_VERSION, generation
from apps.reading.models import Rating
from apps.social.models import Activity, Verb

MAX_RANKED = 100
GENRE_SLUG_MAX = Genre._meta.get_field("slug").max_length


class Kind(StrEnum):
    TRENDING = "trending"
    POPULAR = "popular"
    TOP_RATED = "top_rated"


class Window(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


WINDOW_LENGTH = {
    Window.DAY: timedelta(days=1),
    Window.WEEK: timedelta(days=7),
    Window.MONTH: timedelta(days=30),
}
TRENDING_WEIGHTS = {
    Verb.SHELVED: 1.0,
    Verb.STARTED: 2.0,
    Verb.FINISHED: 3.0,
    Verb.REVIEWED: 3.0,
    Verb.LISTED: 1.0,
}


@dataclass(frozen=True)
class Ranking:
    computed_at: datetime
    book_ids: list[int]


def ranking(kind: Kind, *, window: Window | None = None, genre: str | None = None) -> Ranking:
    """The cached ranking, computed now when absent or stale."""
    if genre and (len(genre) > GENRE_SLUG_MAX or "\x00" in genre):
        return Ranking(timezone.now(), [])  # no genre has such a slug; nothing worth caching
    key = cache_key(kind, window, genre)
    cached = cache.get(key)
    if cached is not None:
        return Ranking(*cached)
    result = Ranking(timezone.now(), compute(kind, window=window, genre=genre))
    cache.set(key, (result.computed_at, result.book_ids), settings.RANKINGS_CACHE_TTL)
    return result


def cache_key(kind: Kind, window: Window | None, genre: str | None) -> str:
    genre_part = genre.strip().lower() if genre else "all"
    return f"rankings:{KEY_VERSION}:{Kind(kind)}:{window or 'all'}:{genre_part}:g{generation()}"


# --- computing ------------------------------------------------------------------------------


def _books_in_genre(genre: str | None) -> QuerySet[Book]:
    """Books of the genre (by slug) or of one of its direct sub-genres; all books without one."""
    books = Book.objects.all()
    if genre:
        slug = genre.strip().lower()
        books = books.filter(Q(genres__slug=slug) | Q(genres__parent__slug=slug)).distinct()
    return books


def compute(kind: Kind, *, window: Window | None = None, genre: str | None = None) -> list[int]:
    if kind == Kind.TRENDING:
        return _trending(window or Window.WEEK, genre)
    books = _books_in_genre(genre)
    if kind == Kind.POPULAR:
        books = books.filter(Q(ratings_count__gt=0) | Q(source_ratings_count__gt=0)).order_by(
            "-ratings_count", "-source_ratings_count", "id"
        )
    else:
        m = float(settings.RANKINGS_BAYES_WEIGHT)
        prior = Rating.objects.aggregate(mean=Avg("value"))["mean"] or 0
        score = ExpressionWrapper(
            (Value(m * float(prior)) + Cast("average_rating", FloatField()) * F("ratings_count"))
            / (Value(m) + F("ratings_count")),
            output_field=FloatField(),
        )
        books = (
            books.filter(ratings_count__gt=0)
            .annotate(bayesian=score)
            .order_by("-bayesian", "-ratings_count", "id")
        )
    return list(books.values_list("id", flat=True)[:MAX_RANKED])


def _trending(window: Window, genre: str | None) -> list[int]:
    since = timezone.now() - WINDOW_LENGTH[Window(window)]
    in_genre = _books_in_genre(genre).values("id") if genre else None
    scores: dict[int, float] = {}
    activities = Activity.objects.filter(
        created_at__gte=since, book__isnull=False, verb__in=list(TRENDING_WEIGHTS)
    )
    ratings = Rating.objects.filter(updated_at__gte=since)
    if in_genre is not None:
        activities = activities.filter(book_id__in=in_genre)
        ratings = ratings.filter(book_id__in=in_genre)
    for book_id, verb, n in activities.values_list("book_id", "verb").annotate(n=Count("id")):
        scores[book_id] = scores.get(book_id, 0.0) + TRENDING_WEIGHTS[verb] * n
    for book_id, n, stars in ratings.values_list("book_id").annotate(n=Count("id"), s=Sum("value")):
        scores[book_id] = scores.get(book_id, 0.0) + n + float(stars) / 5
    ranked = sorted(scores, key=lambda book_id: (-scores[book_id], book_id))
    return ranked[:MAX_RANKED]
