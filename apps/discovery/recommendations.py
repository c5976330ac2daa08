"""Books for a reader, from the precomputed neighbours (never from all ratings at request time).

1. Collaborative filtering: the neighbours (`BookNeighbour`) of the reader's most recent liked
   books (`signals`), scored by the sum of their similarities; the reason is the liked book
   contributing most ("Because you liked Dune").
2. Cold start, and to fill the list: the most popular books in the genres of the reader's
   interests ("Popular in Fantasy"), then the most popular books overall ("Popular on BookNest").
Books the reader has shelved (any shelf) or rated are never recommended.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from apps.accounts.models import ProfileInterest
from apps.catalog.models import Book, Genre
from apps.discovery.models import BookNeighbour
from apps.discovery.rankings import Kind, ranking
from apps.discovery.signals import signals
from apps.reading.models import Rating, UserBook

RECENT_LIKES = 200  # the reader's latest liked books consulted: bounds the request's work
MAX_FIRST = 100


@dataclass(frozen=True)
class Recommendation:
    book_id: int
    reason: str
    because_of_id: int | None = None
    score: float = 0.0


def recommend(user, n: int) -> list[Recommendation]:
    n = max(0, min(n, MAX_FIRST))
    exclude = set(UserBook.objects.filter(user=user).values_list("book_id", flat=True))
    exclude |= set(Rating.objects.filter(user=user).values_list("book_id", flat=True))
    found = _collaborative(user, exclude, n)
    taken = exclude | {r.book_id for r in found}
    if len(found) < n:
        found += _popular_in_interests(user, taken, n - len(found))
        taken |= {r.book_id for r in found}
    if len(found) < n:
        found += [
            Recommendation(book_id, "Popular on BookNest")
            for book_id in _popular(None, taken, n - len(found))
        ]
    return found


def _collaborative(user, exclude: set[int], n: int) -> list[Recommendation]:
    recent = (
        Rating.objects.filter(user=user).order_by("-updated_at").values_list("book_id", flat=True)
    )[:RECENT_LIKES]
    shelved = (
        UserBook.objects.filter(user=user).order_by("-updated_at").values_list("book_id", flat=True)
    )[:RECENT_LIKES]
    liked = signals(user_ids=[user.pk], book_ids=set(recent) | set(shelved))
    weights = {book_id: weight for (_, book_id), weight in liked.items()}
    if not weights:
        return []
    scores: dict[int, float] = defaultdict(float)
    best: dict[int, tuple[float, int]] = {}
    rows = BookNeighbour.objects.filter(book_id__in=list(weights)).values_list(
        "book_id", "neighbour_id", "score"
    )
    for source, candidate, score in rows:
        if candidate in exclude or candidate in weights:
            continue
        contribution = score * weights[source]
        scores[candidate] += contribution
        if contribution > best.get(candidate, (0.0, 0))[0]:
            best[candidate] = (contribution, source)
    ranked = sorted(scores, key=lambda book_id: (-scores[book_id], book_id))[:n]
    titles = dict(
        Book.objects.filter(pk__in={best[b][1] for b in ranked}).values_list("pk", "title")
    )
    return [
        Recommendation(
            book_id,
            f"Because you liked {titles.get(best[book_id][1], 'a book')}",
            best[book_id][1],
            round(scores[book_id], 4),
        )
        for book_id in ranked
    ]


def _popular_in_interests(user, taken: set[int], n: int) -> list[Recommendation]:
    genres = Genre.objects.filter(
        pk__in=ProfileInterest.objects.filter(profile__user=user, genre__isnull=False).values(
            "genre_id"
        )
    ).order_by("name")
    found: list[Recommendation] = []
    for genre in genres:
        for book_id in _popular(genre.slug, taken, n - len(found)):
            found.append(Recommendation(book_id, f"Popular in {genre.name}"))
            taken = taken | {book_id}
        if len(found) >= n:
            break
    return found


def _popular(genre_slug: str | None, taken: set[int], n: int) -> list[int]:
    if n <= 0:
        return []
    ranked = [b for b in ranking(Kind.POPULAR, genre=genre_slug).book_ids if b not in taken]
    if len(ranked) < n and genre_slug is None:
        # A new catalogue has no ratings yet: newest books, so a first visit is never empty.
        ranked += list(
            Book.objects.exclude(Q(pk__in=taken) | Q(pk__in=ranked))
            .order_by("-created_at", "-id")
            .values_list("pk", flat=True)[: n - len(ranked)]
        )
    return ranked[:n]


def similar_books(book_ids: list[int], n: int) -> dict[int, list[int]]:
    """The `n` best neighbours of each book ("readers also enjoyed"), in one query."""
    found: dict[int, list[int]] = {book_id: [] for book_id in book_ids}
    rows = (
        BookNeighbour.objects.filter(book_id__in=book_ids)
        .order_by("book_id", "-score", "neighbour_id")
        .values_list("book_id", "neighbour_id")
    )
    for book_id, neighbour_id in rows:
        if len(found[book_id]) < n:
            found[book_id].append(neighbour_id)
    return found
