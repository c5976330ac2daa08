"""Ratings: one per reader and book, 0.5 to 5 stars in half steps.

The book's denormalised `average_rating` and `ratings_count` are recomputed from the rating
rows in the same transaction, with the book's row locked first: concurrent ratings of one book
queue on that lock, so each recomputation sees every rating committed before it and the last
one to commit leaves the exact figures (no lost update, unlike `count = count + 1` schemes that
drift when a rating is changed or removed).
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Count, Sum

from apps.catalog.models import Book
from apps.core.errors import Invalid, NotFound
from apps.core.events import book_group, publish
from apps.core.models import Privacy
from apps.discovery.invalidation import ratings_changed
from apps.reading.models import RATING_VALUES, Rating
from apps.reading.services._common import activity_privacy, get_book
from apps.social.activity import record_activity
from apps.social.models import Activity, Verb

CENT = Decimal("0.01")


def parse_rating(value) -> Decimal:
    """The rating as a Decimal, or INVALID on `value` unless 0.5–5 in half steps."""
    try:
        rating = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise Invalid("A rating is a number of stars.", field="value") from None
    if not rating.is_finite() or rating not in RATING_VALUES:
        raise Invalid("A rating is 0.5 to 5 stars, in half steps.", field="value")
    return rating.quantize(Decimal("0.1"))


def rate_book(user, book_id: int, value) -> Rating:
    """Rate the book (or change the reader's rating); records `rated` when the value changes.

    The returned rating's `book` carries the refreshed average and count.
    """
    value = parse_rating(value)
    with transaction.atomic():
        book = get_book(book_id, lock=True)
        rating = Rating.objects.filter(user=user, book=book).first()
        if rating is not None and rating.value == value:
            rating.book = book
            return rating  # nothing changed: no activity, figures already exact
        if rating is None:
            rating = Rating.objects.create(user=user, book=book, value=value)
        else:
            rating.value = value
            rating.save(update_fields=["value", "updated_at"])
        # One `rated` per reader and book in feeds: the current rating replaces the previous.
        _rated_activities(user, book.pk).delete()
        privacy = activity_privacy(user)
        record_activity(
            user, Verb.RATED, book, book=book, privacy=privacy, data={"rating": float(value)}
        )
        if privacy == Privacy.PUBLIC:  # a book page's live stream (`bookActivity`) is public
            publish(book_group(book.pk), "rating_added", {"rating_id": rating.pk})
        rating.book = _refresh_locked(book)
    return rating


def remove_rating(user, book_id: int) -> Book:
    """Withdraw the reader's rating of the book (NOT_FOUND when unrated); returns the book."""
    with transaction.atomic():
        book = get_book(book_id, lock=True)
        deleted, _ = Rating.objects.filter(user=user, book=book).delete()
        if not deleted:
            raise NotFound("You have not rated this book.", field="book_id")
        _rated_activities(user, book.pk).delete()
        return _refresh_locked(book)


def refresh_rating_stats(book_id: int) -> Book:
    """Recompute the book's `average_rating` and `ratings_count` from its ratings, exactly.

    For any code that moves or deletes ratings (merging books, imports): call it in the same
    transaction, after the change.
    """
    with transaction.atomic():
        return _refresh_locked(get_book(book_id, lock=True))


def _refresh_locked(book: Book) -> Book:
    """Recompute the figures of a book whose row the current transaction has locked."""
    totals = Rating.objects.filter(book_id=book.pk).aggregate(total=Sum("value"), n=Count("id"))
    count = totals["n"]
    average = (
        (Decimal(str(totals["total"])) / count).quantize(CENT, rounding=ROUND_HALF_UP)
        if count
        else Decimal("0.00")
    )
    Book.objects.filter(pk=book.pk).update(average_rating=average, ratings_count=count)
    ratings_changed()  # cached rankings (apps.discovery) go stale after enough changes
    book.average_rating, book.ratings_count = average, count
    return book


def _rated_activities(user, book_id: int):
    return Activity.objects.filter(actor=user, book_id=book_id, verb=Verb.RATED)
