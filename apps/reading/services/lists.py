"""Reading lists: a reader's own ordered lists of books.

Positions are kept dense, 0 to n-1, in the owner's order. Every change of a list's items
takes the list's row lock first, so concurrent changes to one list queue up instead of
computing positions from the same stale picture; each change then renumbers the whole list
in one statement (which also heals any gap left by older data).

Only the owner changes a list: others get NOT_FOUND when they may not see it, NOT_ALLOWED
otherwise. Staff have no special rights over readers' lists.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from apps.core.errors import Conflict, Invalid, NotAllowed, NotFound
from apps.core.models import Privacy
from apps.core.validation import clean_text
from apps.reading.models import ReadingList, ReadingListItem
from apps.reading.services._common import activity_privacy, check_privacy, get_book
from apps.social.activity import record_activity, remove_activities
from apps.social.models import Activity, Verb
from apps.social.visibility import can_see

NAME_MAX = 150
DESCRIPTION_MAX = 5000
NOTE_MAX = 2000


def create_reading_list(
    user, name: str, description: str = "", privacy: str = Privacy.PUBLIC
) -> ReadingList:
    """A new, empty list; its name is unique among the owner's lists, regardless of case."""
    name = clean_text(name, field="name", max_length=NAME_MAX, required=True)
    description = clean_text(description, field="description", max_length=DESCRIPTION_MAX)
    privacy = check_privacy(privacy)
    with transaction.atomic():
        _check_name_free(user, name)
        return _saved(ReadingList(owner=user, name=name, description=description, privacy=privacy))


def update_reading_list(
    user,
    list_id: int,
    name: str | None = None,
    description: str | None = None,
    privacy: str | None = None,
) -> ReadingList:
    """Change the given fields of the owner's list (None leaves a field as it is)."""
    with transaction.atomic():
        reading_list = own_list(user, list_id, field="id")
        if name is not None:
            name = clean_text(name, field="name", max_length=NAME_MAX, required=True)
            if name.lower() != reading_list.name.lower():
                _check_name_free(user, name)
            reading_list.name = name
        if description is not None:
            reading_list.description = clean_text(
                description, field="description", max_length=DESCRIPTION_MAX
            )
        if privacy is not None:
            reading_list.privacy = check_privacy(privacy)
            # Feed entries about the list follow it: a list made private leaves no public trace.
            _listed_activities(reading_list).update(
                privacy=activity_privacy(user, reading_list.privacy)
            )
        return _saved(reading_list)


def delete_reading_list(user, list_id: int) -> int:
    """Delete the owner's list, its items and its `listed` activities; returns the list's id."""
    with transaction.atomic():
        reading_list = own_list(user, list_id, field="id")
        remove_activities(reading_list)
        reading_list.delete()
    return list_id


def add_to_reading_list(
    user, list_id: int, book_id: int, note: str = "", position: int | None = None
) -> ReadingListItem:
    """Add a book to the owner's list, at the end or at `position` (0 = first); the items at
    and after it move down one. Records `listed`."""
    note = clean_text(note, field="note", max_length=NOTE_MAX)
    with transaction.atomic():
        reading_list = own_list(user, list_id)
        book = get_book(book_id)
        order, positions = _order(reading_list)
        if ReadingListItem.objects.filter(reading_list=reading_list, book=book).exists():
            raise Conflict("This book is already in the list.", field="book_id")
        position = len(order) if position is None else position
        _check_position(position, len(order))
        item = ReadingListItem.objects.create(
            reading_list=reading_list, book=book, note=note, position=position
        )
        order.insert(position, item.pk)
        positions[item.pk] = position
        _renumber(order, positions)
        record_activity(
            user,
            Verb.LISTED,
            reading_list,
            book=book,
            privacy=activity_privacy(user, reading_list.privacy),
            data={"list": reading_list.name, "position": position},
        )
        reading_list.save(update_fields=["updated_at"])
    item.reading_list = reading_list
    return item


def remove_from_reading_list(user, list_id: int, book_id: int) -> ReadingList:
    """Take a book out of the owner's list (NOT_FOUND on `bookId` when it is not in it)."""
    with transaction.atomic():
        reading_list = own_list(user, list_id)
        item = _item(reading_list, get_book(book_id).pk)
        order, positions = _order(reading_list)
        order.remove(item.pk)
        item.delete()
        _renumber(order, positions)
        _listed_activities(reading_list).filter(book_id=item.book_id).delete()
        reading_list.save(update_fields=["updated_at"])
    return reading_list


def move_in_reading_list(user, list_id: int, book_id: int, position: int) -> ReadingList:
    """Move a book of the owner's list to `position` (0 to n-1); the others close up."""
    with transaction.atomic():
        reading_list = own_list(user, list_id)
        item = _item(reading_list, get_book(book_id).pk)
        order, positions = _order(reading_list)
        _check_position(position, len(order) - 1)
        order.remove(item.pk)
        order.insert(position, item.pk)
        _renumber(order, positions)
        reading_list.save(update_fields=["updated_at"])
    return reading_list


def own_list(user, list_id: int, *, field: str = "list_id") -> ReadingList:
    """The list, row-locked, if `user` owns it; NOT_FOUND if they may not see it, else
    NOT_ALLOWED."""
    reading_list = ReadingList.objects.select_for_update().filter(pk=list_id).first()
    if reading_list is None or not can_see(
        user, reading_list.owner_id, reading_list.privacy, reading_list.moderation_status
    ):
        raise NotFound("No reading list with this id.", field=field)
    if reading_list.owner_id != user.pk:
        raise NotAllowed("Only its owner may change a reading list.", field=field)
    return reading_list


def _check_name_free(user, name: str) -> None:
    if ReadingList.objects.filter(owner=user, name__iexact=name).exists():
        raise Conflict("You already have a list with this name.", field="name")


def _saved(reading_list: ReadingList) -> ReadingList:
    try:
        with transaction.atomic():
            reading_list.save()
    except IntegrityError:  # a concurrent request took the name, or case folding differs
        raise Conflict("You already have a list with this name.", field="name") from None
    return reading_list


def _item(reading_list: ReadingList, book_id: int) -> ReadingListItem:
    item = ReadingListItem.objects.filter(reading_list=reading_list, book_id=book_id).first()
    if item is None:
        raise NotFound("This book is not in the list.", field="book_id")
    return item


def _order(reading_list: ReadingList) -> tuple[list[int], dict[int, int]]:
    """The list's item ids in order, and each one's stored position."""
    rows = list(
        ReadingListItem.objects.filter(reading_list=reading_list)
        .order_by("position", "id")
        .values_list("id", "position")
    )
    return [pk for pk, _ in rows], dict(rows)


def _check_position(position: int, last: int) -> None:
    if not 0 <= position <= last:
        raise Invalid(f"Position must be between 0 and {max(last, 0)}.", field="position")


def _renumber(order: list[int], positions: dict[int, int]) -> None:
    """Give the items of `order` the positions 0..n-1, in one UPDATE of the rows that move."""
    moved = [
        ReadingListItem(pk=pk, position=index)
        for index, pk in enumerate(order)
        if positions.get(pk) != index
    ]
    ReadingListItem.objects.bulk_update(moved, ["position"], batch_size=500)


def _listed_activities(reading_list: ReadingList):
    return Activity.objects.filter(
        target_type=ContentType.objects.get_for_model(ReadingList),
        target_id=reading_list.pk,
        verb=Verb.LISTED,
    )
