"""Up next: the ordered queue of books a reader means to read next (at most 10).

Separate from want-to-read: a short, ordered choice. Positions are dense (0 is next). Every
change takes the reader's row lock first, so concurrent changes of one queue run one after the
other and positions never repeat or leave a gap. Starting a book (`reading`) takes it off.
"""

from django.db import transaction

from apps.accounts.models import User
from apps.core.errors import Conflict, Invalid, NotFound
from apps.reading.models import UP_NEXT_MAX, ReadingStatus, UpNextItem, UserBook
from apps.reading.services._common import get_book


def up_next(user_id: int):
    """The reader's queue, next first."""
    return UpNextItem.objects.filter(user_id=user_id).order_by("position")


def add_to_up_next(user, book_id: int) -> list[UpNextItem]:
    """Put a book at the end of the reader's queue; returns the queue."""
    with transaction.atomic():
        _lock(user)
        book = get_book(book_id)
        queue = list(up_next(user.pk))
        if any(item.book_id == book.pk for item in queue):
            raise Conflict("This book is already up next.", field="book_id")
        if len(queue) >= UP_NEXT_MAX:
            raise Invalid(f"Up next holds at most {UP_NEXT_MAX} books.", field="book_id")
        reading = UserBook.objects.filter(user=user, book=book, status=ReadingStatus.READING)
        if reading.exists():
            raise Invalid("You are reading this book already.", field="book_id")
        UpNextItem.objects.create(user=user, book=book, position=len(queue))
        return list(up_next(user.pk))


def remove_from_up_next(user, book_id: int) -> list[UpNextItem]:
    """Take a book off the queue (NOT_FOUND when it is not on it); returns the queue."""
    with transaction.atomic():
        _lock(user)
        book = get_book(book_id)
        if not take_off_up_next(user.pk, book.pk):
            raise NotFound("This book is not up next.", field="book_id")
        return list(up_next(user.pk))


def move_in_up_next(user, book_id: int, position: int) -> list[UpNextItem]:
    """Move a book to `position` (0 is next), shifting the others; returns the queue."""
    with transaction.atomic():
        _lock(user)
        book = get_book(book_id)
        queue = list(up_next(user.pk))
        item = next((item for item in queue if item.book_id == book.pk), None)
        if item is None:
            raise NotFound("This book is not up next.", field="book_id")
        if not 0 <= position < len(queue):
            raise Invalid(f"Position must be between 0 and {len(queue) - 1}.", field="position")
        queue.remove(item)
        queue.insert(position, item)
        _renumber(queue)
        return list(up_next(user.pk))


def take_off_up_next(user_id: int, book_id: int) -> bool:
    """Remove a book from the queue (in the caller's transaction), closing the gap."""
    _lock_id(user_id)
    deleted, _ = UpNextItem.objects.filter(user_id=user_id, book_id=book_id).delete()
    if deleted:
        _renumber(list(up_next(user_id)))
    return bool(deleted)


def _renumber(queue: list[UpNextItem]) -> None:
    changed = []
    for position, item in enumerate(queue):
        if item.position != position:
            item.position = position
            changed.append(item)
    UpNextItem.objects.bulk_update(changed, ["position"])


def _lock(user) -> None:
    _lock_id(user.pk)


def _lock_id(user_id: int) -> None:
    list(User.objects.select_for_update().filter(pk=user_id).values_list("pk", flat=True))
