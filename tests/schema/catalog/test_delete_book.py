"""`deleteBook`: readers' data goes only when the librarian says so explicitly, and never while
the book is reserved or on loan."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.catalog.models import Book, BookAuthor, BookRedirect
from apps.lending.models import BookCopy, Reservation, ReservationStatus
from apps.notifications.models import Notification
from apps.reading.models import Rating, ReadingListItem, Review, UserBook
from apps.social.models import Activity
from tests.factories import (
    make_activity,
    make_author,
    make_book,
    make_book_copy,
    make_genre,
    make_notification,
    make_rating,
    make_reading_list_item,
    make_reservation,
    make_review,
    make_user_book,
)
from tests.schema.catalog.support import gid

pytestmark = pytest.mark.django_db

DELETE = """
mutation($id: ID!, $confirm: Boolean) {
  deleteBook(id: $id, deleteReaderData: $confirm) { deletedId errors { code field message } }
}
"""


def delete(gql, book_id: str, confirm: bool | None = None) -> dict:
    variables = {"id": book_id} | ({"confirm": confirm} if confirm is not None else {})
    result = gql(DELETE, variables)
    assert "errors" not in result, result
    return result["data"]["deleteBook"]


def test_delete_book_without_reader_data(gql, librarian):
    book = make_book("Typo", authors=[make_author()], genres=[make_genre()])
    BookRedirect.objects.create(old_id=book.pk + 1000, book=book)
    gql.login(librarian)

    payload = delete(gql, gid(book))

    assert payload == {"deletedId": gid(book), "errors": []}
    assert not Book.objects.exists()
    assert not BookAuthor.objects.exists() and not BookRedirect.objects.exists()
    assert (
        gql("query($id: ID!) { book(id: $id) { id } }", {"id": gid(book)})["data"]["book"] is None
    )


def reader_data(book: Book) -> None:
    make_user_book(book=book)
    make_rating(book=book)
    make_review(book=book)
    make_reading_list_item(book=book)
    copy = make_book_copy(book)
    now = timezone.now()
    make_reservation(
        book=book,
        copy=copy,
        status=ReservationStatus.RETURNED,
        loaned_at=now - timedelta(days=20),
        due_at=now - timedelta(days=6),
        returned_at=now - timedelta(days=7),
    )
    make_activity(target=book, book=book)
    make_notification(target=book)


def test_delete_book_with_reader_data_needs_explicit_confirmation(gql, librarian):
    book = make_book("Loved")
    reader_data(book)
    gql.login(librarian)

    payload = delete(gql, gid(book))

    assert payload["deletedId"] is None
    [error] = payload["errors"]
    assert (error["code"], error["field"]) == ("CONFLICT", "deleteReaderData")
    for mention in [
        "user books: 1",
        "ratings: 1",
        "reviews: 1",
        "book copies: 1",
        "reservations: 1",
    ]:
        assert mention in error["message"]
    assert Book.objects.filter(pk=book.pk).exists() and Rating.objects.exists()
    assert delete(gql, gid(book), confirm=False)["errors"][0]["code"] == "CONFLICT"


def test_delete_book_with_confirmation_deletes_readers_data_too(gql, librarian):
    book = make_book("Loved")
    reader_data(book)
    kept = make_book("Other")
    make_rating(book=kept)
    gql.login(librarian)

    payload = delete(gql, gid(book), confirm=True)

    assert payload == {"deletedId": gid(book), "errors": []}
    assert list(Book.objects.all()) == [kept]
    for model in [UserBook, Review, ReadingListItem, BookCopy, Reservation, Activity]:
        assert not model.objects.exists(), model
    assert Rating.objects.get().book_id == kept.pk
    assert not Notification.objects.filter(target_id=book.pk).exists()  # no dangling target


@pytest.mark.parametrize("status", [ReservationStatus.WAITING, ReservationStatus.ON_LOAN])
def test_delete_book_reserved_or_on_loan_is_a_conflict_even_when_confirmed(gql, librarian, status):
    book = make_book("Wanted")
    now = timezone.now()
    extra = {}
    if status == ReservationStatus.ON_LOAN:
        extra = {"copy": make_book_copy(book), "loaned_at": now, "due_at": now + timedelta(14)}
    make_reservation(book=book, status=status, **extra)
    gql.login(librarian)

    payload = delete(gql, gid(book), confirm=True)

    [error] = payload["errors"]
    assert (error["code"], error["field"]) == ("CONFLICT", "id")
    assert "1 active reservations" in error["message"]
    assert Book.objects.filter(pk=book.pk).exists()


def test_delete_book_not_found(gql, librarian):
    gql.login(librarian)
    survivor, duplicate = make_book("S"), make_book("D")
    BookRedirect.objects.create(old_id=duplicate.pk + 1000, book=survivor)

    [error] = delete(gql, gid(10**9, "Book"))["errors"]
    assert (error["code"], error["field"]) == ("NOT_FOUND", "id")
    [error] = delete(gql, gid(survivor.pk, "Genre"))["errors"]
    assert (error["code"], error["field"]) == ("NOT_FOUND", "id")
    # A merged-away id is never followed to delete the survivor.
    [error] = delete(gql, gid(duplicate.pk + 1000, "Book"), confirm=True)["errors"]
    assert error["code"] == "NOT_FOUND" and "merged" in error["message"]
    assert Book.objects.count() == 2
