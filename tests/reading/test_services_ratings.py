"""Rating services: half-star values, one rating per reader, and exact book figures."""

import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection

from apps.catalog.models import Book, BookRedirect
from apps.core.errors import ErrorCode, ServiceError
from apps.core.models import Privacy
from apps.reading.models import Rating
from apps.reading.services import rate_book, refresh_rating_stats, remove_rating
from apps.social.models import Activity, Verb
from tests.factories import make_book, make_profile, make_rating, make_user

pytestmark = pytest.mark.django_db


def error_of(call, *args):
    with pytest.raises(ServiceError) as info:
        call(*args)
    error = info.value.errors[0]
    return error.code, error.field


def figures(book) -> tuple[Decimal, int]:
    book = Book.objects.get(pk=book.pk)
    return book.average_rating, book.ratings_count


def test_rating_a_book_records_it_updates_the_figures_and_the_feed():
    user, book = make_user(), make_book()
    rating = rate_book(user, book.pk, 4.5)
    assert rating.value == Decimal("4.5")
    assert (rating.book.average_rating, rating.book.ratings_count) == (Decimal("4.50"), 1)
    assert figures(book) == (Decimal("4.50"), 1)
    activity = Activity.objects.get(actor=user)
    assert (activity.verb, activity.target, activity.book) == (Verb.RATED, book, book)
    assert activity.data == {"rating": 4.5}


def test_rating_again_changes_the_one_rating_and_replaces_its_activity():
    user, book = make_user(), make_book()
    rate_book(user, book.pk, 2)
    rate_book(user, book.pk, "3.5")
    assert Rating.objects.get(user=user, book=book).value == Decimal("3.5")
    assert figures(book) == (Decimal("3.50"), 1)
    assert list(Activity.objects.values_list("data", flat=True)) == [{"rating": 3.5}]
    rate_book(user, book.pk, 3.5)  # the same value: nothing new to tell
    assert Activity.objects.count() == 1


def test_average_is_exact_to_two_decimals():
    book = make_book()
    for value in (1, 2, 2):
        rate_book(make_user(), book.pk, value)
    assert figures(book) == (Decimal("1.67"), 3)
    for value in (4.5, 5, 5):
        rate_book(make_user(), book.pk, value)
    assert figures(book) == (Decimal("3.25"), 6)


@pytest.mark.parametrize("value", [0, 0.25, 4.3, 5.5, -1, 10, "abc", float("nan"), float("inf")])
def test_values_other_than_half_stars_are_invalid(value):
    user, book = make_user(), make_book()
    assert error_of(rate_book, user, book.pk, value) == (ErrorCode.INVALID, "value")
    assert not Rating.objects.exists()
    assert not Activity.objects.exists()


@pytest.mark.parametrize("value", ["0.5", "1", "2.5", "5", "5.0"])
def test_every_half_star_from_half_to_five_is_accepted(value):
    assert rate_book(make_user(), make_book().pk, value).value == Decimal(value)


def test_rating_an_unknown_book_is_not_found():
    assert error_of(rate_book, make_user(), 999_999, 4) == (ErrorCode.NOT_FOUND, "book_id")


def test_rating_activity_privacy_follows_the_profile():
    user = make_user()
    make_profile(user, privacy=Privacy.FOLLOWERS)
    rate_book(user, make_book().pk, 4)
    assert Activity.objects.get(actor=user).privacy == Privacy.FOLLOWERS


def test_removing_a_rating_updates_the_figures_and_forgets_the_activity():
    user, other, book = make_user(), make_user(), make_book()
    rate_book(user, book.pk, 5)
    rate_book(other, book.pk, 2)
    returned = remove_rating(user, book.pk)
    assert (returned.average_rating, returned.ratings_count) == (Decimal("2.00"), 1)
    assert figures(book) == (Decimal("2.00"), 1)
    assert list(Activity.objects.values_list("actor", flat=True)) == [other.pk]
    remove_rating(other, book.pk)
    assert figures(book) == (Decimal("0.00"), 0)


def test_removing_a_rating_that_does_not_exist_is_not_found():
    user, book = make_user(), make_book()
    make_rating(make_user(), book)  # another reader's rating is not the viewer's
    assert error_of(remove_rating, user, book.pk) == (ErrorCode.NOT_FOUND, "book_id")
    assert error_of(remove_rating, user, 999_999) == (ErrorCode.NOT_FOUND, "book_id")


def test_refresh_rating_stats_repairs_figures_from_the_rating_rows():
    book = make_book()
    make_rating(make_user(), book, value=Decimal("3.0"))
    make_rating(make_user(), book, value=Decimal("4.0"))
    assert figures(book) == (Decimal("0.00"), 0)  # rows written behind the service's back
    refresh_rating_stats(book.pk)
    assert figures(book) == (Decimal("3.50"), 2)


def test_rating_by_the_id_of_a_merged_book_rates_the_survivor():
    user, survivor = make_user(), make_book()
    BookRedirect.objects.create(old_id=survivor.pk + 1000, book=survivor)
    assert rate_book(user, survivor.pk + 1000, 4).book == survivor
    assert figures(survivor) == (Decimal("4.00"), 1)
    assert remove_rating(user, survivor.pk + 1000) == survivor


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises all writers on one database lock: no concurrent ratings to race",
)
def test_concurrent_ratings_of_one_book_leave_exact_figures():
    """8 readers rate one book at the same moment, twice over; the figures match the rows."""
    book = make_book()
    readers = [make_user() for _ in range(8)]
    values = ["0.5", "1.5", "2", "3", "3.5", "4", "4.5", "5"]
    barrier = threading.Barrier(len(readers))
    failures: list[BaseException] = []

    def rate(reader, value):
        try:
            barrier.wait(timeout=10)
            rate_book(reader, book.pk, value)
            rate_book(reader, book.pk, "5" if value == "0.5" else "0.5")
            rate_book(reader, book.pk, value)
        except BaseException as exc:  # reported below, with the thread's own traceback lost
            failures.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [
        threading.Thread(target=rate, args=pair) for pair in zip(readers, values, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    rows = list(Rating.objects.filter(book=book).values_list("value", flat=True))
    assert len(rows) == 8
    expected = (sum(rows) / len(rows)).quantize(Decimal("0.01"))
    assert figures(book) == (expected, 8)
    assert expected == Decimal("3.00")
