"""Recommendations from precomputed neighbours: `compute_neighbours` (full and incremental),
`recommendedBooks` with reasons and exclusions, cold start, and `Book.similarBooks`."""

from io import StringIO

import pytest
from django.core.management import call_command

from apps.discovery.models import BookNeighbour
from apps.reading.models import ReadingStatus, UserBook
from tests.factories import (
    make_book,
    make_genre,
    make_profile,
    make_profile_interest,
    make_rating,
    make_user,
    make_user_book,
)

pytestmark = pytest.mark.django_db

RECOMMENDED = """
query($first: Int!) {
  recommendedBooks(first: $first) { reason score book { title } becauseOf { title } }
}"""
SIMILAR = """
query($id: ID!) { book(id: $id) { similarBooks(first: 3) { title } } }"""


@pytest.fixture
def two_tastes():
    """Five science-fiction readers like the same four books; five fantasy readers likewise."""
    books = {t: make_book(t) for t in ["Dune", "Hyperion", "Foundation", "Solaris"]}
    books |= {t: make_book(t) for t in ["Earthsea", "Narnia", "Gormenghast", "Discworld"]}
    for n in range(5):
        sf, fantasy = make_user(), make_user()
        for title in ["Dune", "Hyperion", "Foundation", "Solaris"][: 4 - n % 2]:
            make_rating(sf, books[title], value=5)
        for title in ["Earthsea", "Narnia", "Gormenghast", "Discworld"][: 4 - n % 2]:
            make_rating(fantasy, books[title], value=4.5)
    # A reader who disliked Dune but loved Earthsea must not tie the two tastes together.
    disliker = make_user()
    make_rating(disliker, books["Dune"], value=1)
    make_rating(disliker, books["Earthsea"], value=5)
    call_command("compute_neighbours", stdout=StringIO(), verbosity=0)
    return books


def recommended(gql, first=3):
    result = gql(RECOMMENDED, {"first": first})
    assert "errors" not in result, result
    return result["data"]["recommendedBooks"]


def test_neighbours_join_books_liked_by_the_same_readers(two_tastes):
    dune = two_tastes["Dune"]
    neighbours = set(
        BookNeighbour.objects.filter(book=dune).values_list("neighbour__title", flat=True)
    )
    assert neighbours == {"Hyperion", "Foundation", "Solaris"}


def test_recommended_books_follow_what_the_viewer_liked_with_a_reason(gql, two_tastes):
    viewer = make_user()
    make_rating(viewer, two_tastes["Dune"], value=5)
    make_user_book(viewer, two_tastes["Hyperion"], status=ReadingStatus.WANT_TO_READ)
    found = recommended(gql.login(viewer), 2)
    assert [r["book"]["title"] for r in found] == ["Foundation", "Solaris"]
    assert all(r["reason"] == "Because you liked Dune" for r in found)
    assert all(r["becauseOf"]["title"] == "Dune" and r["score"] > 0 for r in found)


def test_recommended_books_never_include_shelved_or_rated_books(gql, two_tastes):
    viewer = make_user()
    make_rating(viewer, two_tastes["Dune"], value=5)
    make_rating(viewer, two_tastes["Solaris"], value=2)
    make_user_book(viewer, two_tastes["Foundation"], status=ReadingStatus.DID_NOT_FINISH)
    titles = [r["book"]["title"] for r in recommended(gql.login(viewer), 8)]
    assert titles[0] == "Hyperion"
    assert not {"Dune", "Solaris", "Foundation"} & set(titles)
    assert len(titles) == len(set(titles)) == 5  # the rest: popular books, no repeats


def test_cold_start_uses_interests_then_popular_books(gql):
    fantasy = make_genre("Fantasy", slug="fantasy")
    make_book("Popular everywhere", source_ratings_count=900)
    make_book("Popular fantasy", genres=[fantasy], source_ratings_count=100)
    viewer = make_user()
    make_profile_interest(make_profile(viewer), genre=fantasy)
    found = recommended(gql.login(viewer), 2)
    assert [(r["book"]["title"], r["reason"]) for r in found] == [
        ("Popular fantasy", "Popular in Fantasy"),
        ("Popular everywhere", "Popular on BookNest"),
    ]
    assert found[0]["becauseOf"] is None


def test_recommended_books_require_login(gql):
    result = gql(RECOMMENDED, {"first": 3})
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_similar_books_readers_also_enjoyed(gql, two_tastes):
    from tests.schema.reading.helpers import gid

    result = gql(SIMILAR, {"id": gid(two_tastes["Earthsea"])})
    assert "errors" not in result, result
    titles = [b["title"] for b in result["data"]["book"]["similarBooks"]]
    assert sorted(titles) == ["Discworld", "Gormenghast", "Narnia"]


def test_incremental_refresh_picks_up_new_ratings(two_tastes):
    dune, narnia = two_tastes["Dune"], two_tastes["Narnia"]
    for _ in range(6):  # a new crowd likes Dune and Narnia together
        reader = make_user()
        make_rating(reader, dune, value=5)
        make_rating(reader, narnia, value=5)
    assert not BookNeighbour.objects.filter(book=dune, neighbour=narnia).exists()
    out = StringIO()
    call_command("compute_neighbours", "--incremental", stdout=out)
    assert "refreshed the neighbours of 2 changed book(s)" in out.getvalue()
    assert BookNeighbour.objects.filter(book=dune, neighbour=narnia).exists()
    assert BookNeighbour.objects.filter(book=narnia, neighbour=dune).exists()
    # Nothing changed since: nothing to do.
    out = StringIO()
    call_command("compute_neighbours", "--incremental", stdout=out)
    assert "refreshed the neighbours of 0 changed book(s)" in out.getvalue()


def test_incremental_equals_full_for_the_changed_books(two_tastes):
    dune, narnia = two_tastes["Dune"], two_tastes["Narnia"]
    for _ in range(3):
        reader = make_user()
        make_rating(reader, dune, value=5)
        make_rating(reader, narnia, value=4)
    call_command("compute_neighbours", "--incremental", stdout=StringIO())
    incremental = set(BookNeighbour.objects.filter(book=dune).values_list("neighbour", "score"))
    call_command("compute_neighbours", stdout=StringIO(), verbosity=0)
    full = set(BookNeighbour.objects.filter(book=dune).values_list("neighbour", "score"))
    assert {n for n, _ in incremental} == {n for n, _ in full}
    assert sorted(s for _, s in incremental) == pytest.approx(sorted(s for _, s in full))


def test_incremental_refresh_drops_neighbours_of_books_nobody_likes_any_more():
    book, other = make_book("Once liked"), make_book("Other")
    reader = make_user()
    make_user_book(reader, book, status=ReadingStatus.READ)
    make_user_book(reader, other, status=ReadingStatus.READ)
    call_command("compute_neighbours", stdout=StringIO(), verbosity=0)
    assert BookNeighbour.objects.filter(book=book, neighbour=other).exists()
    for entry in UserBook.objects.filter(user=reader):
        entry.status = ReadingStatus.DID_NOT_FINISH
        entry.save()
    call_command("compute_neighbours", "--incremental", stdout=StringIO())
    assert not BookNeighbour.objects.exists()
