"""`rateBook` and `removeRating`: values, the book's figures, and who may rate."""

from decimal import Decimal

import pytest

from apps.catalog.models import Book
from apps.reading.models import Rating
from apps.social.models import Activity, Verb
from tests.factories import make_book, make_rating, make_superuser, make_user
from tests.schema.reading.helpers import error_codes, gid, payload, top_level_code

pytestmark = pytest.mark.django_db

RATE = """
mutation($bookId: ID!, $value: Float!) {
  rateBook(bookId: $bookId, value: $value) {
    rating { value user { username } book { title } }
    book { averageRating ratingsCount viewerRating { value } ratingSummary { average count } }
    errors { code field message }
  }
}"""
REMOVE = """
mutation($bookId: ID!) {
  removeRating(bookId: $bookId) {
    book { averageRating ratingsCount viewerRating { value } }
    errors { code field }
  }
}"""


def test_rate_book_returns_the_rating_and_the_updated_book(gql):
    book = make_book("Dune")
    make_rating(make_user(), book, value=Decimal("3.0"))
    gql.login(make_user("ada"))
    result = payload(gql(RATE, {"bookId": gid(book), "value": 4}), "rateBook")
    assert result == {
        "rating": {"value": 4.0, "user": {"username": "ada"}, "book": {"title": "Dune"}},
        # The factory's rating bypassed the service; the service recomputes from every row.
        "book": {
            "averageRating": 3.5,
            "ratingsCount": 2,
            "viewerRating": {"value": 4.0},
            "ratingSummary": {"average": 3.5, "count": 2},
        },
        "errors": [],
    }
    result = payload(gql(RATE, {"bookId": gid(book), "value": 0.5}), "rateBook")
    assert result["book"]["averageRating"] == 1.75
    assert Rating.objects.filter(book=book).count() == 2
    assert Activity.objects.get(verb=Verb.RATED).data == {"rating": 0.5}


@pytest.mark.parametrize("value", [0, 4.3, 5.5, -0.5, 6])
def test_rate_book_invalid_values(gql, value):
    book = make_book()
    gql.login(make_user())
    result = gql(RATE, {"bookId": gid(book), "value": value})
    assert error_codes(result, "rateBook") == [("INVALID", "value")]
    assert payload(result, "rateBook")["rating"] is None
    assert not Rating.objects.exists()
    assert not Activity.objects.exists()


def test_rate_book_unknown_book(gql):
    gql.login(make_user())
    result = gql(RATE, {"bookId": gid("Book", 999999), "value": 4})
    assert error_codes(result, "rateBook") == [("NOT_FOUND", "bookId")]


def test_rating_needs_login(gql):
    book = make_book()
    assert top_level_code(gql(RATE, {"bookId": gid(book), "value": 4})) == "UNAUTHENTICATED"
    assert top_level_code(gql(REMOVE, {"bookId": gid(book)})) == "UNAUTHENTICATED"
    assert not Rating.objects.exists()


def test_another_user_or_staff_rate_only_for_themselves(gql):
    """A rating belongs to the viewer: another reader or staff rating the same book adds their
    own, and removing theirs never removes the owner's (staff have no special rights)."""
    owner, book = make_user(), make_book()
    make_rating(owner, book, value=Decimal("5.0"))
    for other in (make_user(), make_superuser()):
        gql.login(other)
        assert payload(gql(RATE, {"bookId": gid(book), "value": 1}), "rateBook")["errors"] == []
        assert payload(gql(REMOVE, {"bookId": gid(book)}), "removeRating")["errors"] == []
        assert error_codes(gql(REMOVE, {"bookId": gid(book)}), "removeRating") == [
            ("NOT_FOUND", "bookId")
        ]
    assert Rating.objects.get().user == owner
    assert Book.objects.get().ratings_count == 1


def test_remove_rating(gql):
    user, book = make_user(), make_book()
    gql.login(user)
    gql(RATE, {"bookId": gid(book), "value": 2.5})
    result = payload(gql(REMOVE, {"bookId": gid(book)}), "removeRating")
    assert result == {
        "book": {"averageRating": 0.0, "ratingsCount": 0, "viewerRating": None},
        "errors": [],
    }
    assert not Activity.objects.exists()
    assert error_codes(gql(REMOVE, {"bookId": gid(book)}), "removeRating") == [
        ("NOT_FOUND", "bookId")
    ]
