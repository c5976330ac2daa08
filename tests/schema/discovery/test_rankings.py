"""`trendingBooks`, `popularBooks`, `topRatedBooks`: order, genres, caching and invalidation."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from apps.reading.services.ratings import rate_book
from apps.social.models import Activity, Verb
from tests.factories import make_activity, make_book, make_genre, make_user

pytestmark = pytest.mark.django_db

RANKING = """
query($genre: String) {
  %s(genre: $genre, first: 5) { computedAt books { title } }
}"""
TRENDING = """
query($window: TimeWindow!) {
  trendingBooks(window: $window) { computedAt books { title } }
}"""


def ranked(gql, field: str, genre: str | None = None) -> tuple[str, list[str]]:
    result = gql(RANKING % field, {"genre": genre})
    assert "errors" not in result, result
    data = result["data"][field]
    return data["computedAt"], [book["title"] for book in data["books"]]


def rate_by_many(book, values) -> None:
    for value in values:
        rate_book(make_user(), book.pk, value)


def test_top_rated_a_single_five_star_rating_does_not_top_the_list(gql):
    one_rave = make_book("One rave")
    loved = make_book("Loved by many")
    mixed = make_book("Mixed")
    rate_book(make_user(), one_rave.pk, 5)
    rate_by_many(loved, [4.5] * 12)
    rate_by_many(mixed, [2, 3, 2.5, 3])
    _, titles = ranked(gql, "topRatedBooks")
    assert titles == ["Loved by many", "One rave", "Mixed"]


def test_top_rated_weight_comes_from_the_setting(gql, settings):
    settings.RANKINGS_BAYES_WEIGHT = 0  # no prior: plain averages, the single rave wins
    rate_book(make_user(), make_book("One rave").pk, 5)
    rate_by_many(make_book("Loved by many"), [4.5] * 3)
    assert ranked(gql, "topRatedBooks")[1] == ["One rave", "Loved by many"]


def test_popular_by_booknest_ratings_then_source_count(gql):
    rate_by_many(make_book("Rated twice"), [3, 4])
    make_book("Imported favourite", source_ratings_count=50_000)
    make_book("Imported niche", source_ratings_count=10)
    make_book("Nobody's")
    _, titles = ranked(gql, "popularBooks")
    assert titles == ["Rated twice", "Imported favourite", "Imported niche"]


def test_rankings_filter_by_genre_and_its_subgenres(gql):
    fantasy = make_genre("Fantasy", slug="fantasy")
    epic = make_genre("Epic fantasy", slug="epic-fantasy", parent=fantasy)
    crime = make_genre("Crime", slug="crime")
    make_book("Epic", genres=[epic], source_ratings_count=3)
    make_book("Fairy", genres=[fantasy], source_ratings_count=2)
    make_book("Murder", genres=[crime], source_ratings_count=5)
    assert ranked(gql, "popularBooks", "fantasy")[1] == ["Epic", "Fairy"]
    assert ranked(gql, "popularBooks", "crime")[1] == ["Murder"]
    assert ranked(gql, "popularBooks", "no-such-genre")[1] == []


def test_trending_counts_recent_activity_in_the_window(gql):
    hot, warm, old = make_book("Hot"), make_book("Warm"), make_book("Old news")
    for _ in range(3):
        make_activity(make_user(), book=hot, verb=Verb.FINISHED)
    make_activity(make_user(), book=warm, verb=Verb.SHELVED)
    for _ in range(5):
        make_activity(make_user(), book=old, verb=Verb.FINISHED)
    # Activities are stamped on creation; move the old ones back in time.
    Activity.objects.filter(book=old).update(created_at=timezone.now() - timedelta(days=10))
    rate_book(make_user(), warm.pk, 5)  # a rating in the window adds to "Warm"

    def trending(window):
        result = gql(TRENDING, {"window": window})
        assert "errors" not in result, result
        return [book["title"] for book in result["data"]["trendingBooks"]["books"]]

    assert trending("DAY") == ["Hot", "Warm"]
    assert trending("MONTH") == ["Old news", "Hot", "Warm"]


def test_rankings_are_cached_until_enough_ratings_change(
    gql, settings, django_capture_on_commit_callbacks
):
    settings.RANKINGS_INVALIDATE_AFTER = 2
    first, second = make_book("First"), make_book("Second")
    rate_by_many(first, [4, 4])
    computed_at, titles = ranked(gql, "popularBooks")
    assert titles == ["First"]

    with django_capture_on_commit_callbacks(execute=True):
        rate_book(make_user(), second.pk, 3)
    assert ranked(gql, "popularBooks") == (computed_at, ["First"])  # one change: still cached

    with django_capture_on_commit_callbacks(execute=True):
        rate_book(make_user(), second.pk, 3)
        rate_book(make_user(), second.pk, 3)
    new_computed_at, titles = ranked(gql, "popularBooks")
    assert new_computed_at > computed_at
    assert titles == ["Second", "First"]


def test_rankings_live_under_the_documented_cache_key(gql):
    book = make_book("First")
    rate_book(make_user(), book.pk, 4)
    computed_at, _ = ranked(gql, "topRatedBooks", "Fantasy")
    cached = cache.get("rankings:v1:top_rated:all:fantasy:g0")
    assert cached is not None and cached[1] == []  # no book of that genre
    cache.delete("rankings:v1:top_rated:all:fantasy:g0")
    assert ranked(gql, "topRatedBooks", "fantasy")[0] > computed_at


def test_first_is_bounded(gql):
    result = gql("{ popularBooks(first: 101) { books { title } } }")
    assert result["errors"][0]["extensions"]["code"] == "PAGE_SIZE_TOO_LARGE"


def test_an_impossible_genre_gives_an_empty_ranking(gql):
    make_book("Anything", source_ratings_count=5)
    # Sent once: its `computedAt` is the moment it is asked (no ranking is kept for it).
    result = gql.once(RANKING % "popularBooks", {"genre": "x" * 500})
    assert result["data"]["popularBooks"]["books"] == []
