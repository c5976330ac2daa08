"""What counts as a reader liking a book, for collaborative filtering.

A rating of 4 stars or more is a like (weight 1); a book being read or read, unrated, a weaker
one (0.5); wanting to read it, weaker still (0.25). A rating below 4 overrides the shelf: a
reader who finished a book and gave it 2 stars did not like it.
"""

from collections.abc import Iterable

from apps.reading.models import Rating, ReadingStatus, UserBook

LIKED_RATING = 4
SHELF_WEIGHTS = {
    ReadingStatus.READ: 0.5,
    ReadingStatus.READING: 0.5,
    ReadingStatus.WANT_TO_READ: 0.25,
}


def signals(
    *, user_ids: Iterable[int] | None = None, book_ids: Iterable[int] | None = None
) -> dict[tuple[int, int], float]:
    """(reader id, book id) → weight, for every reader (or those given) and book (or those)."""
    shelves = UserBook.objects.filter(status__in=list(SHELF_WEIGHTS))
    ratings = Rating.objects.all()
    if user_ids is not None:
        user_ids = list(user_ids)
        shelves, ratings = (
            shelves.filter(user_id__in=user_ids),
            ratings.filter(user_id__in=user_ids),
        )
    if book_ids is not None:
        book_ids = list(book_ids)
        shelves, ratings = (
            shelves.filter(book_id__in=book_ids),
            ratings.filter(book_id__in=book_ids),
        )
    found: dict[tuple[int, int], float] = {}
    for user_id, book_id, status in shelves.values_list("user_id", "book_id", "status").iterator(
        chunk_size=10_000
    ):
        found[(user_id, book_id)] = SHELF_WEIGHTS[status]
    for user_id, book_id, value in ratings.values_list("user_id", "book_id", "value").iterator(
        chunk_size=10_000
    ):
        if value >= LIKED_RATING:
            found[(user_id, book_id)] = 1.0
        else:
            found.pop((user_id, book_id), None)
    return found
