"""`setReadingGoal` and `readingGoal` with its progress fields."""

import calendar
from datetime import date

import pytest
from django.utils import timezone

from apps.core.models import Privacy
from apps.reading.models import ReadingGoal, ReadingStatus
from tests.factories import (
    make_book,
    make_follow,
    make_profile,
    make_reading_goal,
    make_superuser,
    make_user,
    make_user_book,
)
from tests.schema.reading.helpers import error_codes, payload, top_level_code

pytestmark = pytest.mark.django_db

SET_GOAL = """
mutation($year: Int!, $books: Int, $pages: Int) {
  setReadingGoal(year: $year, books: $books, pages: $pages) {
    readingGoal { year booksTarget pagesTarget booksRead user { username } }
    errors { code field }
  }
}"""
GOAL = """
query($year: Int!, $username: String) {
  readingGoal(year: $year, username: $username) {
    year booksTarget pagesTarget booksRead pagesRead booksPercent pagesPercent
    expectedByToday aheadBy pagesExpectedByToday pagesAheadBy
  }
}"""


def test_set_reading_goal(gql):
    gql.login(make_user("ada"))
    result = payload(gql(SET_GOAL, {"year": 2026, "books": 24}), "setReadingGoal")
    assert result == {
        "readingGoal": {
            "year": 2026,
            "booksTarget": 24,
            "pagesTarget": None,
            "booksRead": 0,
            "user": {"username": "ada"},
        },
        "errors": [],
    }
    result = payload(gql(SET_GOAL, {"year": 2026, "pages": 5000}), "setReadingGoal")
    assert (result["readingGoal"]["booksTarget"], result["readingGoal"]["pagesTarget"]) == (
        None,
        5000,
    )
    assert ReadingGoal.objects.count() == 1


def test_set_reading_goal_errors(gql):
    gql.login(make_user())
    cases = [
        ({"year": 2026}, ("INVALID", None)),
        ({"year": 2026, "books": 0}, ("INVALID", "books")),
        ({"year": 2026, "pages": -1}, ("INVALID", "pages")),
        ({"year": 1800, "books": 5}, ("INVALID", "year")),
    ]
    for variables, expected in cases:
        result = gql(SET_GOAL, variables)
        assert error_codes(result, "setReadingGoal") == [expected]
        assert payload(result, "setReadingGoal")["readingGoal"] is None
    assert not ReadingGoal.objects.exists()


def test_goals_are_the_viewers_own(gql):
    """`setReadingGoal` names no owner: another user or staff set their own goal, and the
    owner's stays (staff have no special rights); anonymous is UNAUTHENTICATED."""
    owner = make_user()
    make_reading_goal(owner, year=2026, books_target=10)
    for other in (make_user(), make_superuser()):
        gql.login(other)
        assert payload(gql(SET_GOAL, {"year": 2026, "books": 99}), "setReadingGoal")["errors"] == []
    gql.logout()
    assert top_level_code(gql(SET_GOAL, {"year": 2026, "books": 1})) == "UNAUTHENTICATED"
    assert ReadingGoal.objects.get(user=owner).books_target == 10
    assert ReadingGoal.objects.count() == 3


def test_reading_goal_progress_for_a_past_year(gql):
    user = make_user("ada")
    make_reading_goal(user, year=2024, books_target=4, pages_target=1000)
    for pages in (300, 200, None):
        make_user_book(
            user, make_book(pages=pages), status=ReadingStatus.READ, finished_at=date(2024, 5, 5)
        )
    make_user_book(
        user, make_book(pages=999), status=ReadingStatus.READ, finished_at=date(2023, 5, 5)
    )
    gql.login(user)
    assert gql(GOAL, {"year": 2024})["data"]["readingGoal"] == {
        "year": 2024,
        "booksTarget": 4,
        "pagesTarget": 1000,
        "booksRead": 3,
        "pagesRead": 500,
        "booksPercent": 75.0,
        "pagesPercent": 50.0,
        "expectedByToday": 4,  # the year is over: the whole target was due
        "aheadBy": -1,
        "pagesExpectedByToday": 1000,
        "pagesAheadBy": -500,
    }


def test_reading_goal_schedule_this_year(gql):
    user = make_user()
    today = timezone.localdate()
    make_reading_goal(user, year=today.year, books_target=365, pages_target=None)
    make_user_book(user, make_book(), status=ReadingStatus.READ, finished_at=today)
    gql.login(user)
    goal = gql(GOAL, {"year": today.year})["data"]["readingGoal"]
    expected = int(365 * today.timetuple().tm_yday / (366 if calendar.isleap(today.year) else 365))
    assert goal["expectedByToday"] == expected
    assert goal["aheadBy"] == 1 - expected
    assert (goal["pagesPercent"], goal["pagesExpectedByToday"], goal["pagesAheadBy"]) == (
        None,
        None,
        None,
    )


def test_reading_goal_of_the_viewer_needs_login_and_may_be_absent(gql):
    assert top_level_code(gql(GOAL, {"year": 2026})) == "UNAUTHENTICATED"
    gql.login(make_user())
    assert gql(GOAL, {"year": 2026})["data"]["readingGoal"] is None
    assert gql(GOAL, {"year": 2026, "username": "nobody"})["data"]["readingGoal"] is None


@pytest.mark.parametrize(
    ("privacy", "anonymous", "stranger", "follower", "staff"),
    [
        (Privacy.PUBLIC, True, True, True, True),
        (Privacy.FOLLOWERS, False, False, True, False),
        (Privacy.PRIVATE, False, False, False, False),
    ],
)
def test_another_readers_goal_follows_their_profile_privacy(
    gql, privacy, anonymous, stranger, follower, staff
):
    owner = make_user("owner")
    make_profile(owner, privacy=privacy)
    make_reading_goal(owner, year=2026)
    a_follower = make_user()
    make_follow(a_follower, owner)
    cases = {
        None: anonymous,
        make_user(): stranger,
        a_follower: follower,
        make_superuser(): staff,
        owner: True,
    }
    for viewer, sees in cases.items():
        gql.logout() if viewer is None else gql.login(viewer)
        goal = gql(GOAL, {"year": 2026, "username": "Owner"})["data"]["readingGoal"]
        assert (goal is not None) == sees, (viewer, privacy)


SET_GOAL_INPUT = """
mutation($year: Int!, $input: ReadingGoalInput, $books: Int) {
  setReadingGoal(year: $year, input: $input, books: $books) {
    readingGoal { booksTarget pagesTarget minutesTarget pagesRead minutesRead minutesPercent }
    errors { code field }
  }
}"""


def test_goals_by_pages_and_minutes(gql, monkeypatch):
    from django.db.models import IntegerField, Value

    from apps.reading import progress

    ada = make_user("ada")
    gql.login(ada)
    year = timezone.localdate().year
    make_user_book(
        ada, make_book(pages=300), status=ReadingStatus.READ, finished_at=date(year, 1, 2)
    )
    result = payload(
        gql(SET_GOAL_INPUT, {"year": year, "input": {"pages": 1000, "minutes": 600}}),
        "setReadingGoal",
    )
    assert result["readingGoal"] == {
        "booksTarget": None,
        "pagesTarget": 1000,
        "minutesTarget": 600,
        "pagesRead": 300,
        "minutesRead": 0,  # no audiobook editions yet
        "minutesPercent": 0.0,
    }
    # The length of a shelf entry is said in one place: what it says, goals count.
    monkeypatch.setattr(
        progress, "entry_minutes", lambda prefix="": Value(150, output_field=IntegerField())
    )
    result = payload(
        gql(SET_GOAL_INPUT, {"year": year, "input": {"minutes": 600}}), "setReadingGoal"
    )
    assert result["readingGoal"]["minutesRead"] == 150
    assert result["readingGoal"]["minutesPercent"] == 25.0
    assert result["readingGoal"]["pagesTarget"] is None  # "set" replaces


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"input": {}}, [("INVALID", None)]),
        ({"input": {"minutes": 0}}, [("INVALID", "minutes")]),
        ({"input": {"minutes": 10}, "books": 3}, [("INVALID", "input")]),
    ],
)
def test_goal_input_errors(gql, variables, expected):
    gql.login(make_user())
    result = gql(SET_GOAL_INPUT, {"year": 2026, **variables})
    assert error_codes(result, "setReadingGoal") == expected
    assert not ReadingGoal.objects.exists()
