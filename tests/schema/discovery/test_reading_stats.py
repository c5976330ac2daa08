"""`readingStats`: a reader's year in numbers, on a small fixture, and who may see it."""

from datetime import UTC, date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.models import Privacy
from apps.reading.models import ReadingStatus
from tests.factories import (
    make_author,
    make_book,
    make_follow,
    make_genre,
    make_profile,
    make_rating,
    make_user,
    make_user_book,
)

pytestmark = pytest.mark.django_db

STATS = """
query($year: Int!, $username: String) {
  readingStats(year: $year, username: $username) {
    year booksRead pagesRead averageRating
    months { month books pages }
    genres { books genre { name } }
    topAuthors { books author { name } }
    longestBook { title }
    shortestBook { title }
  }
}"""


def read(user, book, finished: date):
    return make_user_book(user, book, status=ReadingStatus.READ, finished_at=finished)


@pytest.fixture
def year_of_ada():
    ada = make_user("ada")
    le_guin, herbert = make_author("Ursula K. Le Guin"), make_author("Frank Herbert")
    sf, fantasy = make_genre("Science fiction"), make_genre("Fantasy")
    dispossessed = make_book("The Dispossessed", [le_guin], [sf], pages=387)
    earthsea = make_book("A Wizard of Earthsea", [le_guin], [fantasy], pages=183)
    dune = make_book("Dune", [herbert], [sf], pages=612)
    unknown = make_book("No page count", [herbert])
    read(ada, dispossessed, date(2025, 1, 10))
    read(ada, earthsea, date(2025, 1, 20))
    read(ada, dune, date(2025, 3, 2))
    read(ada, unknown, date(2025, 12, 31))
    read(ada, make_book("Last year", pages=5000), date(2024, 6, 1))
    make_user_book(ada, make_book("Still reading", pages=10), status=ReadingStatus.READING)
    make_rating(ada, dispossessed, value=Decimal("5"))
    make_rating(ada, dune, value=Decimal("4"))
    return ada


def stats(gql, year=2025, username=None):
    result = gql(STATS, {"year": year, "username": username})
    assert "errors" not in result, result
    return result["data"]["readingStats"]


def test_reading_stats_of_a_year(gql, year_of_ada):
    data = stats(gql.login(year_of_ada))
    assert (data["year"], data["booksRead"], data["pagesRead"]) == (2025, 4, 387 + 183 + 612)
    assert data["averageRating"] == 4.5
    months = {m["month"]: (m["books"], m["pages"]) for m in data["months"]}
    assert list(months) == list(range(1, 13))
    assert months[1] == (2, 387 + 183) and months[3] == (1, 612) and months[12] == (1, 0)
    assert months[2] == (0, 0)
    assert [(g["genre"]["name"], g["books"]) for g in data["genres"]] == [
        ("Science fiction", 2),
        ("Fantasy", 1),
    ]
    assert [(a["author"]["name"], a["books"]) for a in data["topAuthors"]] == [
        ("Frank Herbert", 2),
        ("Ursula K. Le Guin", 2),
    ]
    assert data["longestBook"]["title"] == "Dune"
    assert data["shortestBook"]["title"] == "A Wizard of Earthsea"


def test_reading_stats_of_an_empty_year(gql, year_of_ada):
    data = stats(gql, 2023, "ada")
    assert data["booksRead"] == 0 and data["averageRating"] is None
    assert data["longestBook"] is None and len(data["months"]) == 12


def test_reading_stats_follow_profile_privacy(gql, year_of_ada):
    make_profile(year_of_ada, privacy=Privacy.FOLLOWERS)
    viewer = make_user()
    assert stats(gql, username="ada") is None
    assert stats(gql.login(viewer), username="ada") is None
    make_follow(viewer, year_of_ada)
    assert stats(gql, username="ada")["booksRead"] == 4
    assert stats(gql, username="nobody") is None


def test_reading_stats_without_username_requires_login(gql):
    result = gql(STATS, {"year": 2025})
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_reading_stats_query_count_does_not_grow_with_books(gql, year_of_ada):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            stats(gql.login(year_of_ada))
        return len(queries)

    before = count()
    for n in range(10):
        read(
            year_of_ada,
            make_book(authors=[make_author()], genres=[make_genre()], pages=100 + n),
            date(2025, 5, 1),
        )
    assert count() == before


GROWN = """
query($year: Int!) {
  readingStats(year: $year) {
    minutesRead averagePages pagesPerDay
    months { month books pages minutes }
    topMoods { mood books }
  }
}"""


def test_reading_stats_grow_moods_length_and_pace(gql, year_of_ada):
    from datetime import datetime

    from apps.impressions.models import BookTraitMood, BookTraitVote
    from apps.reading.models import JournalEntry, UserBook

    friend = make_user()
    for title, moods in (("Dune", ["dark", "adventurous"]), ("The Dispossessed", ["reflective"])):
        entry = UserBook.objects.get(user=year_of_ada, book__title=title)
        for reader in (year_of_ada, friend):
            vote = BookTraitVote.objects.create(user=reader, book=entry.book)
            for mood in moods:
                BookTraitMood.objects.create(vote=vote, book=entry.book, mood=mood)
    BookTraitMood.objects.create(
        vote=BookTraitVote.objects.get(user=year_of_ada, book__title="The Dispossessed"),
        book=UserBook.objects.get(user=year_of_ada, book__title="The Dispossessed").book,
        mood="dark",
    )
    dune = UserBook.objects.get(user=year_of_ada, book__title="Dune")
    # 100 pages on Feb 1, 50% of 612 (306) on Feb 2, back to page 250 on Feb 3 (nothing
    # advanced); 2024's entry counts as the start, not as reading in 2025.
    for day, page, percent in (
        (datetime(2024, 12, 31, 12, tzinfo=UTC), 10, None),
        (datetime(2025, 2, 1, 12, tzinfo=UTC), 100, None),
        (datetime(2025, 2, 2, 12, tzinfo=UTC), None, 50),
        (datetime(2025, 2, 3, 12, tzinfo=UTC), 250, None),
    ):
        entry = JournalEntry.objects.create(
            user=year_of_ada, user_book=dune, page=page, percent=percent
        )
        JournalEntry.objects.filter(pk=entry.pk).update(created_at=day)
    result = gql.login(year_of_ada)(GROWN, {"year": 2025})
    assert "errors" not in result, result
    data = result["data"]["readingStats"]
    assert data["minutesRead"] == 0 and {m["minutes"] for m in data["months"]} == {0}
    assert data["averagePages"] == round((387 + 183 + 612) / 3, 2)
    assert data["pagesPerDay"] == round((90 + 206) / 3, 1)
    assert data["topMoods"] == [
        {"mood": "DARK", "books": 2},
        {"mood": "ADVENTUROUS", "books": 1},
        {"mood": "REFLECTIVE", "books": 1},
    ]
