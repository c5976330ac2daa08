"""The database refuses reading data that breaks a rule, whatever code path writes it."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from apps.core.models import Privacy
from apps.reading.models import (
    RATING_VALUES,
    JournalEntry,
    Rating,
    ReadingGoal,
    ReadingList,
    ReadingListItem,
    ReadingStatus,
    Review,
    UpNextItem,
    UserBook,
)
from tests.factories import (
    make_book,
    make_rating,
    make_reading_goal,
    make_reading_list,
    make_reading_list_item,
    make_review,
    make_user,
    make_user_book,
)

pytestmark = pytest.mark.django_db


# --- UserBook --------------------------------------------------------------------------------


def test_userbook_once_per_user():
    user, book = make_user(), make_book()
    make_user_book(user, book)
    make_user_book(make_user(), book)  # another reader shelves the same book
    with pytest.raises(IntegrityError), transaction.atomic():
        UserBook.objects.create(user=user, book=book, status=ReadingStatus.READ)


@pytest.mark.parametrize("status", ReadingStatus.values)
def test_userbook_status_accepts_each_choice(status):
    assert make_user_book(status=status).status == status


@pytest.mark.parametrize("status", ["", "owned", "READ"])
def test_userbook_status_valid(status):
    with pytest.raises(IntegrityError, match="userbook_status_valid"), transaction.atomic():
        make_user_book(status=status)


@pytest.mark.parametrize(
    "started, finished",
    [(date(2026, 1, 5), date(2026, 1, 5)), (date(2026, 1, 5), None), (None, date(2026, 1, 5))],
)
def test_userbook_dates_accepted(started, finished):
    make_user_book(started_at=started, finished_at=finished)


def test_userbook_finished_after_started():
    name = "userbook_finished_after_started"
    with pytest.raises(IntegrityError, match=name), transaction.atomic():
        make_user_book(started_at=date(2026, 1, 5), finished_at=date(2026, 1, 4))


@pytest.mark.parametrize("percent", ["0", "42.50", "100"])
def test_userbook_progress_percent_accepted(percent):
    make_user_book(progress_percent=Decimal(percent))


@pytest.mark.parametrize("percent", ["-0.01", "100.01"])
def test_userbook_progress_percent_range(percent):
    user_book = make_user_book()
    name = "userbook_progress_percent_range"
    with pytest.raises(IntegrityError, match=name), transaction.atomic():
        UserBook.objects.filter(pk=user_book.pk).update(progress_percent=Decimal(percent))


def test_userbook_progress_pages_or_percent():
    make_user_book(progress_pages=120)
    make_user_book(progress_percent=Decimal("40"))
    name = "userbook_progress_pages_or_percent"
    with pytest.raises(IntegrityError, match=name), transaction.atomic():
        make_user_book(progress_pages=120, progress_percent=Decimal("40"))


@pytest.mark.parametrize("field", ["progress_pages", "read_count", "owned_copies"])
def test_userbook_counts_not_negative(field):
    user_book = make_user_book()
    with pytest.raises(IntegrityError), transaction.atomic():
        UserBook.objects.filter(pk=user_book.pk).update(**{field: -1})


# --- Rating ----------------------------------------------------------------------------------


def test_rating_once_per_user():
    user, book = make_user(), make_book()
    make_rating(user, book)
    make_rating(make_user(), book)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(user=user, book=book, value=Decimal("3"))


@pytest.mark.parametrize("value", RATING_VALUES, ids=str)
def test_rating_value_accepted(value):
    assert make_rating(value=value).value == value


@pytest.mark.parametrize("value", ["0", "4.3", "5.5", "-0.5", "0.1"])
def test_rating_value_half_steps(value):
    with pytest.raises(IntegrityError, match="rating_value_half_steps"), transaction.atomic():
        make_rating(value=Decimal(value))


def test_rating_value_half_steps_on_update():
    rating = make_rating(value=Decimal("4.5"))
    with pytest.raises(IntegrityError, match="rating_value_half_steps"), transaction.atomic():
        Rating.objects.filter(pk=rating.pk).update(value=Decimal("4.3"))


# --- Review ----------------------------------------------------------------------------------


def test_review_once_per_user():
    user, book = make_user(), make_book()
    make_review(user, book)
    make_review(make_user(), book)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(user=user, book=book, body="Again.")


def test_review_body_not_empty():
    make_review(title="", body="Short and sweet.")  # a title is optional
    with pytest.raises(IntegrityError, match="review_body_not_empty"), transaction.atomic():
        make_review(title="Wow", body="")


@pytest.mark.parametrize("privacy", Privacy.values)
def test_review_privacy_accepts_each_choice(privacy):
    make_review(privacy=privacy)


def test_review_privacy_valid():
    with pytest.raises(IntegrityError, match="review_privacy_valid"), transaction.atomic():
        make_review(privacy="friends")


# --- ReadingList -----------------------------------------------------------------------------


def test_reading_list_name_once_regardless_of_case():
    owner = make_user()
    make_reading_list(owner, name="Summer 2026")
    make_reading_list(make_user(), name="Summer 2026")  # another reader's list
    make_reading_list(owner, name="Summer 2027")
    with pytest.raises(IntegrityError, match="reading_list_name_once"), transaction.atomic():
        ReadingList.objects.create(owner=owner, name="SUMMER 2026")


def test_reading_list_name_not_empty():
    with pytest.raises(IntegrityError, match="reading_list_name_not_empty"), transaction.atomic():
        make_reading_list(name="")


@pytest.mark.parametrize("privacy", Privacy.values)
def test_reading_list_privacy_accepts_each_choice(privacy):
    make_reading_list(privacy=privacy)


def test_reading_list_privacy_valid():
    reading_list = make_reading_list()
    with pytest.raises(IntegrityError, match="reading_list_privacy_valid"), transaction.atomic():
        ReadingList.objects.filter(pk=reading_list.pk).update(privacy="secret")


# --- ReadingListItem -------------------------------------------------------------------------


def test_list_item_book_once():
    reading_list, book = make_reading_list(), make_book()
    make_reading_list_item(reading_list, book)
    make_reading_list_item(make_reading_list(), book)  # the same book in another list
    with pytest.raises(IntegrityError), transaction.atomic():
        ReadingListItem.objects.create(reading_list=reading_list, book=book, position=5)


def test_list_item_position_not_negative():
    item = make_reading_list_item()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReadingListItem.objects.filter(pk=item.pk).update(position=-1)


# --- ReadingGoal -----------------------------------------------------------------------------


def test_reading_goal_once_per_year():
    user = make_user()
    make_reading_goal(user, year=2026)
    make_reading_goal(user, year=2027)
    make_reading_goal(make_user(), year=2026)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReadingGoal.objects.create(user=user, year=2026, books_target=50)


@pytest.mark.parametrize("books, pages", [(12, None), (None, 5000), (12, 5000)])
def test_reading_goal_target_accepted(books, pages):
    make_reading_goal(books_target=books, pages_target=pages)


@pytest.mark.parametrize(
    "books, pages",
    [
        (0, 0),
        (None, None),
        (0, None),
        (12, 0),
        (0, 5000),
    ],
)
def test_reading_goal_has_target(books, pages):
    with pytest.raises(IntegrityError, match="reading_goal_"), transaction.atomic():
        ReadingGoal.objects.create(
            user=make_user(), year=2026, books_target=books, pages_target=pages
        )


@pytest.mark.parametrize("year", [1900, 2026, 2200])
def test_reading_goal_year_accepted(year):
    make_reading_goal(year=year)


@pytest.mark.parametrize("year", [1899, 2201])
def test_reading_goal_year_range(year):
    with pytest.raises(IntegrityError, match="reading_goal_year_range"), transaction.atomic():
        make_reading_goal(year=year)


# --- JournalEntry, UpNextItem, ReadingGoal minutes -------------------------------------------


def _entry(**fields):
    shelf = make_user_book()
    return JournalEntry.objects.create(user=shelf.user, user_book=shelf, **fields)


@pytest.mark.parametrize(
    "fields",
    [
        {"page": 10, "percent": Decimal("5")},  # pages or percent, not both
        {"percent": Decimal("100.01")},
        {"percent": Decimal("-1")},
        {},  # neither progress nor a note
        {"note": "x", "privacy": "friends"},
    ],
)
def test_journal_entry_refuses_broken_rows(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        _entry(**fields)


@pytest.mark.parametrize(
    "fields", [{"page": 0}, {"percent": Decimal("100")}, {"note": "a thought"}]
)
def test_journal_entry_accepts_progress_or_a_note(fields):
    assert _entry(**fields).pk


def test_up_next_holds_a_book_once_and_ten_places():
    user, book = make_user(), make_book()
    UpNextItem.objects.create(user=user, book=book, position=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        UpNextItem.objects.create(user=user, book=book, position=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        UpNextItem.objects.create(user=user, book=make_book(), position=10)
    assert UpNextItem.objects.create(user=user, book=make_book(), position=9).pk


def test_reading_goal_minutes_alone_is_a_target_and_must_be_positive():
    assert make_reading_goal(books_target=None, pages_target=None, minutes_target=60).pk
    with pytest.raises(IntegrityError), transaction.atomic():
        make_reading_goal(books_target=None, pages_target=None, minutes_target=0)
