"""Reading list services: names, ownership, dense positions and feed activity."""

import pytest

from apps.catalog.models import BookRedirect
from apps.core.errors import ErrorCode, ServiceError
from apps.core.models import Privacy
from apps.reading.models import ReadingList, ReadingListItem
from apps.reading.services import (
    add_to_reading_list,
    create_reading_list,
    delete_reading_list,
    move_in_reading_list,
    remove_from_reading_list,
    update_reading_list,
)
from apps.social.models import Activity, Verb
from tests.factories import (
    make_book,
    make_follow,
    make_reading_list,
    make_reading_list_item,
    make_superuser,
    make_user,
)

pytestmark = pytest.mark.django_db


def error_of(call, *args, **kwargs):
    with pytest.raises(ServiceError) as info:
        call(*args, **kwargs)
    error = info.value.errors[0]
    return error.code, error.field


def titles(reading_list) -> list[str]:
    """The list's books in order, checking that positions are exactly 0..n-1."""
    items = list(reading_list.items.order_by("position", "id").select_related("book"))
    assert [item.position for item in items] == list(range(len(items)))
    return [item.book.title for item in items]


def make_list_of(user, *names):
    reading_list = create_reading_list(user, "Shelf")
    books = {name: make_book(name) for name in names}
    for name in names:
        add_to_reading_list(user, reading_list.pk, books[name].pk)
    return reading_list, books


def test_create_trims_and_keeps_privacy():
    user = make_user()
    reading_list = create_reading_list(user, "  Summer 2026 ", "Beach reads", "followers")
    assert (reading_list.name, reading_list.description, reading_list.privacy) == (
        "Summer 2026",
        "Beach reads",
        Privacy.FOLLOWERS,
    )


def test_names_are_unique_per_owner_regardless_of_case():
    user = make_user()
    create_reading_list(user, "Favourites")
    assert error_of(create_reading_list, user, "FAVOURITES") == (ErrorCode.CONFLICT, "name")
    create_reading_list(make_user(), "favourites")  # another owner may use it
    other = create_reading_list(user, "Later")
    assert error_of(update_reading_list, user, other.pk, name="favourites") == (
        ErrorCode.CONFLICT,
        "name",
    )
    assert update_reading_list(user, other.pk, name="LATER").name == "LATER"  # its own name


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"name": ""}, (ErrorCode.REQUIRED, "name")),
        ({"name": "n" * 151}, (ErrorCode.INVALID, "name")),
        ({"name": "a\x00b"}, (ErrorCode.INVALID, "name")),
        ({"name": "ok", "description": "d" * 5001}, (ErrorCode.INVALID, "description")),
        ({"name": "ok", "privacy": "secret"}, (ErrorCode.INVALID, "privacy")),
    ],
)
def test_bad_list_fields_are_invalid(kwargs, expected):
    assert error_of(create_reading_list, make_user(), **kwargs) == expected
    assert not ReadingList.objects.exists()


def test_books_are_appended_or_inserted_and_positions_stay_dense():
    user = make_user()
    reading_list, _ = make_list_of(user, "A", "B", "C")
    assert titles(reading_list) == ["A", "B", "C"]
    item = add_to_reading_list(user, reading_list.pk, make_book("First").pk, "note", position=0)
    assert (item.position, item.note) == (0, "note")
    add_to_reading_list(user, reading_list.pk, make_book("Middle").pk, position=2)
    add_to_reading_list(user, reading_list.pk, make_book("Last").pk, position=5)
    assert titles(reading_list) == ["First", "A", "Middle", "B", "C", "Last"]


def test_moving_shifts_the_books_in_between():
    user = make_user()
    reading_list, books = make_list_of(user, "A", "B", "C", "D")
    move_in_reading_list(user, reading_list.pk, books["A"].pk, 2)
    assert titles(reading_list) == ["B", "C", "A", "D"]
    move_in_reading_list(user, reading_list.pk, books["D"].pk, 0)
    assert titles(reading_list) == ["D", "B", "C", "A"]
    move_in_reading_list(user, reading_list.pk, books["C"].pk, 2)  # where it is: no change
    assert titles(reading_list) == ["D", "B", "C", "A"]


def test_removing_closes_the_gap_and_forgets_the_listed_activity():
    user = make_user()
    reading_list, books = make_list_of(user, "A", "B", "C")
    assert Activity.objects.filter(verb=Verb.LISTED).count() == 3
    remove_from_reading_list(user, reading_list.pk, books["B"].pk)
    assert titles(reading_list) == ["A", "C"]
    assert set(Activity.objects.values_list("book__title", flat=True)) == {"A", "C"}


def test_gaps_left_by_older_data_are_healed_by_the_next_change():
    user = make_user()
    reading_list = make_reading_list(user)
    for position, name in [(3, "A"), (7, "B"), (20, "C")]:
        make_reading_list_item(reading_list, make_book(name), position=position)
    add_to_reading_list(user, reading_list.pk, make_book("D").pk, position=1)
    assert titles(reading_list) == ["A", "D", "B", "C"]


def test_listed_activity_has_the_list_privacy_and_follows_its_changes():
    user = make_user()
    reading_list = create_reading_list(user, "Secret", privacy="private")
    book = make_book()
    add_to_reading_list(user, reading_list.pk, book.pk)
    activity = Activity.objects.get()
    assert (activity.verb, activity.target, activity.book, activity.privacy) == (
        Verb.LISTED,
        reading_list,
        book,
        Privacy.PRIVATE,
    )
    update_reading_list(user, reading_list.pk, privacy="public")
    assert Activity.objects.get().privacy == Privacy.PUBLIC


@pytest.mark.parametrize("position", [-1, 3])
def test_insert_positions_outside_the_list_are_invalid(position):
    user = make_user()
    reading_list, _ = make_list_of(user, "A", "B")
    assert error_of(
        add_to_reading_list, user, reading_list.pk, make_book().pk, position=position
    ) == (ErrorCode.INVALID, "position")
    assert titles(reading_list) == ["A", "B"]
    assert Activity.objects.count() == 2


@pytest.mark.parametrize("position", [-1, 2])
def test_move_positions_outside_the_list_are_invalid(position):
    user = make_user()
    reading_list, books = make_list_of(user, "A", "B")
    assert error_of(move_in_reading_list, user, reading_list.pk, books["A"].pk, position) == (
        ErrorCode.INVALID,
        "position",
    )


def test_a_book_already_in_the_list_is_a_conflict_and_missing_ones_not_found():
    user = make_user()
    reading_list, books = make_list_of(user, "A")
    assert error_of(add_to_reading_list, user, reading_list.pk, books["A"].pk) == (
        ErrorCode.CONFLICT,
        "book_id",
    )
    assert error_of(add_to_reading_list, user, reading_list.pk, 999_999) == (
        ErrorCode.NOT_FOUND,
        "book_id",
    )
    absent = make_book()
    assert error_of(remove_from_reading_list, user, reading_list.pk, absent.pk) == (
        ErrorCode.NOT_FOUND,
        "book_id",
    )
    assert error_of(move_in_reading_list, user, reading_list.pk, absent.pk, 0) == (
        ErrorCode.NOT_FOUND,
        "book_id",
    )


def test_the_id_of_a_merged_book_names_the_survivor():
    user = make_user()
    reading_list, books = make_list_of(user, "A", "B")
    BookRedirect.objects.create(old_id=books["A"].pk + 1000, book=books["A"])
    old_id = books["A"].pk + 1000
    assert error_of(add_to_reading_list, user, reading_list.pk, old_id)[0] == ErrorCode.CONFLICT
    move_in_reading_list(user, reading_list.pk, old_id, 1)
    assert titles(reading_list) == ["B", "A"]
    remove_from_reading_list(user, reading_list.pk, old_id)
    assert titles(reading_list) == ["B"]


def test_a_note_over_2000_characters_is_invalid():
    user = make_user()
    reading_list = create_reading_list(user, "L")
    assert error_of(add_to_reading_list, user, reading_list.pk, make_book().pk, "n" * 2001) == (
        ErrorCode.INVALID,
        "note",
    )


def test_delete_removes_items_and_activities():
    user = make_user()
    reading_list, _ = make_list_of(user, "A", "B")
    assert delete_reading_list(user, reading_list.pk) == reading_list.pk
    assert not ReadingList.objects.exists()
    assert not ReadingListItem.objects.exists()
    assert not Activity.objects.exists()


def test_others_cannot_change_a_list_they_see_nor_find_one_they_cannot():
    owner, stranger, follower, staff = make_user(), make_user(), make_user(), make_superuser()
    make_follow(follower, owner)
    book = make_book()
    public = make_reading_list(owner, privacy=Privacy.PUBLIC)
    followers_only = make_reading_list(owner, privacy=Privacy.FOLLOWERS)
    private = make_reading_list(owner, privacy=Privacy.PRIVATE)
    calls = [
        (update_reading_list, {"name": "Mine now"}, "id"),
        (delete_reading_list, {}, "id"),
        (add_to_reading_list, {"book_id": book.pk}, "list_id"),
    ]
    for call, kwargs, field in calls:
        for intruder in (stranger, follower, staff):
            assert error_of(call, intruder, public.pk, **kwargs)[0] == ErrorCode.NOT_ALLOWED
            assert error_of(call, intruder, private.pk, **kwargs)[0] == ErrorCode.NOT_FOUND
        assert error_of(call, follower, followers_only.pk, **kwargs)[0] == ErrorCode.NOT_ALLOWED
        assert error_of(call, stranger, followers_only.pk, **kwargs) == (
            ErrorCode.NOT_FOUND,
            field,
        )
    assert ReadingList.objects.filter(owner=owner).count() == 3
    assert not ReadingListItem.objects.exists()
