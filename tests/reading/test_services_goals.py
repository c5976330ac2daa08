"""Goal service and goal progress: targets, years, and what counts as read in a year."""

from datetime import date

import pytest

from apps.core.errors import ErrorCode, ServiceError
from apps.reading.models import ReadingGoal, ReadingStatus
from apps.reading.progress import YearRead, elapsed_share, expected_by, percent, read_in_years
from apps.reading.services import set_reading_goal
from tests.factories import make_book, make_user, make_user_book

pytestmark = pytest.mark.django_db


def error_of(call, *args, **kwargs):
    with pytest.raises(ServiceError) as info:
        call(*args, **kwargs)
    error = info.value.errors[0]
    return error.code, error.field


def test_set_reading_goal_creates_then_replaces_the_targets():
    user = make_user()
    goal = set_reading_goal(user, 2026, books=12, pages=4000)
    assert (goal.year, goal.books_target, goal.pages_target) == (2026, 12, 4000)
    again = set_reading_goal(user, 2026, books=20)
    assert again.pk == goal.pk
    assert (again.books_target, again.pages_target) == (20, None)  # "set" replaces
    assert ReadingGoal.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"year": 2026}, None),
        ({"year": 2026, "books": 0}, "books"),
        ({"year": 2026, "pages": -5}, "pages"),
        ({"year": 1899, "books": 1}, "year"),
        ({"year": 2201, "books": 1}, "year"),
    ],
)
def test_invalid_goals_are_refused(kwargs, field):
    assert error_of(set_reading_goal, make_user(), **kwargs) == (ErrorCode.INVALID, field)
    assert not ReadingGoal.objects.exists()


def test_read_in_years_counts_books_finished_in_the_year_with_their_pages():
    ada, bob = make_user(), make_user()
    read = ReadingStatus.READ
    make_user_book(ada, make_book(pages=100), status=read, finished_at=date(2025, 1, 1))
    make_user_book(ada, make_book(pages=250), status=read, finished_at=date(2025, 12, 31))
    make_user_book(ada, make_book(), status=read, finished_at=date(2025, 6, 1))  # no pages
    make_user_book(ada, make_book(pages=999), status=read, finished_at=date(2024, 12, 31))
    make_user_book(
        ada, make_book(pages=999), status=ReadingStatus.DID_NOT_FINISH, finished_at=date(2025, 3, 1)
    )
    make_user_book(ada, make_book(pages=999), status=ReadingStatus.READING)
    make_user_book(bob, make_book(pages=50), status=read, finished_at=date(2025, 2, 2))
    found = read_in_years([(ada.pk, 2025), (bob.pk, 2025), (bob.pk, 2024), (ada.pk, 2024)])
    assert found == {
        (ada.pk, 2025): YearRead(books=3, pages=350),
        (bob.pk, 2025): YearRead(books=1, pages=50),
        (bob.pk, 2024): YearRead(),
        (ada.pk, 2024): YearRead(books=1, pages=999),
    }


def test_schedule_arithmetic():
    today = date(2026, 7, 2)  # day 183 of 365
    assert elapsed_share(2025, today) == 1.0
    assert elapsed_share(2027, today) == 0.0
    assert expected_by(12, 2026, today) == 6
    assert expected_by(12, 2025, today) == 12
    assert expected_by(12, 2027, today) == 0
    assert expected_by(None, 2026, today) is None
    assert expected_by(365, 2026, date(2026, 1, 1)) == 1
    assert percent(3, 12) == 25.0
    assert percent(13, 12) == 108.3
    assert percent(3, None) is None
