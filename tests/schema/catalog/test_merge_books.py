"""`mergeBooks`: every row about the duplicates moves to the survivor, none lost or doubled,
and the duplicates' ids resolve to the survivor afterwards."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from apps.catalog.merge import books_merged
from apps.catalog.models import AuthorRole, Book, BookAuthor, BookRedirect
from apps.lending.models import BookCopy, Reservation, ReservationStatus
from apps.notifications.models import Notification
from apps.reading.models import Rating, ReadingListItem, ReadingStatus, Review, UserBook
from apps.social.models import Activity, Verb
from tests.factories import (
    make_activity,
    make_author,
    make_book,
    make_book_author,
    make_book_copy,
    make_genre,
    make_notification,
    make_rating,
    make_reading_list,
    make_reading_list_item,
    make_reservation,
    make_review,
    make_user,
    make_user_book,
)
from tests.schema.catalog.support import gid

pytestmark = pytest.mark.django_db

MERGE = """
mutation($survivor: ID!, $duplicates: [ID!]!) {
  mergeBooks(survivorId: $survivor, duplicateIds: $duplicates) {
    book {
      id title isbn13 isbn10 goodreadsId pages averageRating ratingsCount
      authors { name } genres { slug } contributors { role position author { name } }
      ratingSummary { average count }
    }
    errors { code field message }
  }
}
"""


def merge(gql, survivor, *duplicates) -> dict:
    result = gql(MERGE, {"survivor": gid(survivor), "duplicates": [gid(d) for d in duplicates]})
    assert "errors" not in result, result
    return result["data"]["mergeBooks"]


def age(queryset, days: int) -> None:
    """Pretend the rows were last updated `days` ago (to decide which of two rows is newer)."""
    queryset.update(updated_at=timezone.now() - timedelta(days=days))


def set_stats(book: Book) -> None:
    ratings = list(Rating.objects.filter(book=book).values_list("value", flat=True))
    book.ratings_count = len(ratings)
    book.average_rating = (
        (sum(ratings) / len(ratings)).quantize(Decimal("0.01")) if ratings else Decimal(0)
    )
    book.save()


@pytest.fixture
def world():
    """A survivor and a duplicate edition of one work, each with readers' data; some readers
    have data on both."""
    herbert, son = make_author("Frank Herbert"), make_author("Brian Herbert")
    scifi, classics = make_genre(slug="scifi"), make_genre(slug="classics")
    survivor = make_book("Dune", authors=[herbert], genres=[scifi])
    duplicate = make_book(
        "Dune (1st ed.)",
        authors=[herbert, son],
        genres=[scifi, classics],
        isbn10="0441172717",
        isbn13="9780441172719",
        goodreads_id="234225",
        pages=412,
    )
    both, only_dup, only_survivor = make_user("both"), make_user("dup"), make_user("surv")

    # Shelves: `both` shelved each edition; the duplicate's entry is the newer one.
    make_user_book(both, survivor, status=ReadingStatus.WANT_TO_READ)
    make_user_book(both, duplicate, status=ReadingStatus.READ)
    age(UserBook.objects.filter(book=survivor), 5)
    make_user_book(only_dup, duplicate, status=ReadingStatus.READING)

    # Ratings: `both` rated each; the survivor's rating is the newer one.
    make_rating(both, survivor, value=Decimal("5.0"))
    make_rating(both, duplicate, value=Decimal("1.0"))
    age(Rating.objects.filter(book=duplicate), 5)
    make_rating(only_dup, duplicate, value=Decimal("3.5"))
    make_rating(only_survivor, survivor, value=Decimal("4.0"))

    # Reviews: `both` reviewed each; the duplicate's is newer.
    make_review(both, survivor, body="Old thoughts.")
    make_review(both, duplicate, body="New thoughts.")
    age(Review.objects.filter(book=survivor), 5)
    make_review(only_dup, duplicate, body="Spice!")

    # Lists: one holds both editions (one entry stays: the survivor's), one only the duplicate.
    shared = make_reading_list(both, name="Both editions")
    make_reading_list_item(shared, survivor, note="survivor's note")
    make_reading_list_item(shared, duplicate, note="duplicate's note")
    solo = make_reading_list(only_dup, name="Solo")
    make_reading_list_item(solo, duplicate)

    copy = make_book_copy(duplicate, make_user("lender"))
    make_reservation(only_dup, duplicate)
    make_activity(both, target=duplicate, book=duplicate, verb=Verb.SHELVED)
    make_notification(only_dup, target=duplicate)
    for book in (survivor, duplicate):
        set_stats(book)
    return {
        "survivor": survivor,
        "duplicate": duplicate,
        "both": both,
        "only_dup": only_dup,
        "copy": copy,
        "authors": (herbert, son),
    }


def test_merge_books_moves_every_row_without_losing_or_doubling(gql, librarian, world):
    survivor, duplicate = world["survivor"], world["duplicate"]
    gql.login(librarian)

    payload = merge(gql, survivor, duplicate)

    assert payload["errors"] == []
    book = payload["book"]
    assert book["id"] == gid(survivor) and book["title"] == "Dune"
    assert not Book.objects.filter(pk=duplicate.pk).exists()

    # Shelves: one per reader; `both` keeps the newer (duplicate's) status.
    shelves = dict(UserBook.objects.filter(book=survivor).values_list("user__username", "status"))
    assert shelves == {"both": ReadingStatus.READ, "dup": ReadingStatus.READING}
    assert UserBook.objects.count() == 2

    # Ratings: exactly one per reader; `both` keeps the newer (survivor's) 5.0.
    ratings = dict(Rating.objects.filter(book=survivor).values_list("user__username", "value"))
    assert ratings == {"both": Decimal("5.0"), "dup": Decimal("3.5"), "surv": Decimal("4.0")}
    assert Rating.objects.count() == 3
    assert book["ratingsCount"] == 3 and book["ratingSummary"]["count"] == 3
    assert book["averageRating"] == 4.17 and book["ratingSummary"]["average"] == 4.17
    survivor.refresh_from_db()
    assert (survivor.average_rating, survivor.ratings_count) == (Decimal("4.17"), 3)

    # Reviews: one per reader; `both` keeps the newer text.
    reviews = dict(Review.objects.filter(book=survivor).values_list("user__username", "body"))
    assert reviews == {"both": "New thoughts.", "dup": "Spice!"}
    assert Review.objects.count() == 2

    # Lists: the list with both editions holds the book once (the survivor's entry).
    items = ReadingListItem.objects.filter(book=survivor)
    assert sorted(items.values_list("reading_list__name", "note")) == [
        ("Both editions", "survivor's note"),
        ("Solo", ""),
    ]
    assert ReadingListItem.objects.count() == 2

    # Lending: the copy and the reservation now belong to the survivor.
    assert BookCopy.objects.get(pk=world["copy"].pk).book_id == survivor.pk
    assert Reservation.objects.get().book_id == survivor.pk

    # Feeds and notifications: about the survivor now.
    book_type = ContentType.objects.get_for_model(Book)
    assert Activity.objects.get(target_type=book_type).target_id == survivor.pk
    assert Activity.objects.get(target_type=book_type).book_id == survivor.pk
    assert Notification.objects.get().target_id == survivor.pk

    # Catalogue: authors and genres united, identifiers the survivor lacked taken over.
    assert [(c["author"]["name"], c["role"], c["position"]) for c in book["contributors"]] == [
        ("Frank Herbert", "AUTHOR", 0),
        ("Brian Herbert", "AUTHOR", 1),
    ]
    assert sorted(g["slug"] for g in book["genres"]) == ["classics", "scifi"]
    assert (book["isbn13"], book["isbn10"], book["goodreadsId"]) == (
        "9780441172719",
        "0441172717",
        "234225",
    )
    assert book["pages"] == 412


def test_merge_books_generic_references_to_a_dropped_row_follow_the_kept_one(gql, librarian, world):
    survivor, duplicate, both = world["survivor"], world["duplicate"], world["both"]
    dropped = Rating.objects.get(user=both, book=duplicate)
    kept = Rating.objects.get(user=both, book=survivor)
    make_activity(both, target=dropped, book=duplicate, verb=Verb.RATED)
    gql.login(librarian)

    merge(gql, survivor, duplicate)

    rating_type = ContentType.objects.get_for_model(Rating)
    activity = Activity.objects.get(target_type=rating_type)
    assert (activity.target_id, activity.book_id) == (kept.pk, survivor.pk)


def test_merge_books_old_ids_resolve_to_the_survivor(gql, librarian, world):
    survivor, duplicate = world["survivor"], world["duplicate"]
    older = make_book("Dune (book club)")
    BookRedirect.objects.create(old_id=older.pk + 10_000, book=duplicate)  # an earlier merge
    gql.login(librarian)
    merge(gql, survivor, duplicate)
    gql.logout()

    old_ids = [gid(duplicate), gid(older.pk + 10_000, "Book")]
    for old_id in old_ids:
        result = gql("query($id: ID!) { book(id: $id) { id title } }", {"id": old_id})
        assert result["data"]["book"] == {"id": gid(survivor), "title": "Dune"}
        result = gql(
            "query($id: ID!) { node(id: $id) { id ... on Book { title } } }", {"id": old_id}
        )
        assert result["data"]["node"] == {"id": gid(survivor), "title": "Dune"}
    result = gql(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        {"ids": [*old_ids, gid(survivor), gid(older)]},
    )
    assert [n["id"] for n in result["data"]["nodes"]] == [gid(survivor)] * 3 + [gid(older)]
    assert set(BookRedirect.objects.values_list("old_id", "book_id")) == {
        (duplicate.pk, survivor.pk),
        (older.pk + 10_000, survivor.pk),
    }


def test_merge_books_survivor_keeps_its_own_identifiers(gql, librarian):
    survivor = make_book("A", isbn10="0439023483", isbn13="9780439023481", goodreads_id="1")
    duplicate = make_book("B", isbn10="0441172717", isbn13="9780441172719", goodreads_id="2")
    gql.login(librarian)
    book = merge(gql, survivor, duplicate)["book"]
    assert (book["isbn13"], book["goodreadsId"]) == ("9780439023481", "1")


def test_merge_books_several_duplicates_rated_by_one_reader(gql, librarian):
    survivor, first, second = make_book("S"), make_book("D1"), make_book("D2")
    reader, other = make_user(), make_user()
    make_rating(reader, first, value=Decimal("2.0"))
    make_rating(reader, second, value=Decimal("4.5"))
    age(Rating.objects.filter(book=first), 3)
    make_rating(other, second, value=Decimal("3.0"))
    make_user_book(reader, first)
    make_user_book(reader, second)
    age(UserBook.objects.all(), 1)  # same moment: the first duplicate named wins
    author = make_author()
    make_book_author(first, author, role=AuthorRole.EDITOR)
    make_book_author(second, author, role=AuthorRole.EDITOR)
    gql.login(librarian)

    book = merge(gql, survivor, first, second, first)["book"]  # repeats are ignored

    assert sorted(Rating.objects.values_list("value", flat=True)) == [
        Decimal("3.0"),
        Decimal("4.5"),
    ]
    assert (book["ratingsCount"], book["averageRating"]) == (2, 3.75)
    assert UserBook.objects.get().book_id == survivor.pk
    assert [(c["role"], c["position"]) for c in book["contributors"]] == [("EDITOR", 0)]
    assert not Book.objects.exclude(pk=survivor.pk).exists()


def test_merge_books_refuses_clashing_active_reservations_and_changes_nothing(gql, librarian):
    survivor, duplicate = make_book("S"), make_book("D")
    reader = make_user()
    make_reservation(reader, survivor)
    make_reservation(reader, duplicate)
    make_rating(reader, duplicate)
    gql.login(librarian)

    payload = merge(gql, survivor, duplicate)

    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("CONFLICT", "duplicateIds")]
    assert payload["book"] is None
    assert Book.objects.count() == 2 and Rating.objects.get().book_id == duplicate.pk
    # Once one of them has ended, the merge goes through and keeps both (only one is active).
    Reservation.objects.filter(book=duplicate).update(
        status=ReservationStatus.CANCELLED, ended_at=timezone.now()
    )
    assert merge(gql, survivor, duplicate)["errors"] == []
    assert Reservation.objects.filter(book=survivor).count() == 2


def test_merge_books_errors(gql, librarian):
    book, other = make_book("A"), make_book("B")
    gql.login(librarian)

    def errors(survivor, duplicates):
        result = gql(MERGE, {"survivor": survivor, "duplicates": duplicates})
        payload = result["data"]["mergeBooks"]
        assert payload["book"] is None
        return [(e["code"], e["field"]) for e in payload["errors"]]

    assert errors(gid(book), [gid(book)]) == [("INVALID", "duplicateIds")]
    assert errors(gid(book), []) == [("INVALID", "duplicateIds")]
    assert errors(gid(10**9, "Book"), [gid(book)]) == [("NOT_FOUND", "survivorId")]
    assert errors(gid(book), [gid(other), gid(10**9, "Book")]) == [("NOT_FOUND", "duplicateIds")]
    assert errors(gid(book.pk, "Author"), [gid(other)]) == [("NOT_FOUND", "survivorId")]
    assert errors(gid(book), [gid(other.pk, "Genre")]) == [("NOT_FOUND", "duplicateIds")]
    assert errors(gid(book), [gid(b) for b in [make_book() for _ in range(51)]]) == [
        ("INVALID", "duplicateIds")
    ]
    # An id already merged into the survivor is the survivor itself.
    merge(gql, book, other)
    assert errors(gid(book), [gid(other)]) == [("INVALID", "duplicateIds")]
    assert Book.objects.filter(pk=book.pk).exists()


def test_update_book_by_a_merged_id_is_not_found_with_a_reason(gql, librarian):
    survivor, duplicate = make_book("S"), make_book("D")
    gql.login(librarian)
    merge(gql, survivor, duplicate)
    result = gql(
        'mutation($id: ID!) { updateBook(id: $id, input: {title: "X"}) { errors { code message } } }',
        {"id": gid(duplicate)},
    )
    [error] = result["data"]["updateBook"]["errors"]
    assert error["code"] == "NOT_FOUND" and "merged" in error["message"]
    assert BookAuthor.objects.count() == 0


def test_merge_books_tells_other_apps_inside_the_transaction(gql, librarian):
    survivor, duplicate = make_book("S"), make_book("D")
    make_rating(book=duplicate)
    seen = []

    def receiver(sender, survivor, duplicate_ids, **kwargs):
        seen.append((survivor.pk, duplicate_ids, Rating.objects.get().book_id))

    books_merged.connect(receiver)
    try:
        gql.login(librarian)
        merge(gql, survivor, duplicate)
    finally:
        books_merged.disconnect(receiver)
    assert seen == [(survivor.pk, [duplicate.pk], survivor.pk)]
