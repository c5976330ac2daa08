"""Shelf services: reading status with its date rules, removal, progress, and activities."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from apps.accounts.models import Profile
from apps.catalog.models import BookRedirect
from apps.core.errors import ErrorCode, ServiceError
from apps.core.models import Privacy
from apps.reading.models import Rating, ReadingStatus, UserBook
from apps.reading.services import remove_from_shelves, set_reading_status, update_progress
from apps.reading.services._common import today
from apps.social.models import Activity, Verb
from tests.factories import make_book, make_profile, make_rating, make_user, make_user_book

pytestmark = pytest.mark.django_db

WANT, READING, READ = ReadingStatus.WANT_TO_READ, ReadingStatus.READING, ReadingStatus.READ
PAUSED, DNF = ReadingStatus.PAUSED, ReadingStatus.DID_NOT_FINISH


def error_of(call, *args, **kwargs):
    with pytest.raises(ServiceError) as info:
        call(*args, **kwargs)
    error = info.value.errors[0]
    return error.code, error.field


def verbs(user) -> list[str]:
    return list(Activity.objects.filter(actor=user).order_by("id").values_list("verb", flat=True))


def test_first_shelving_wants_to_read_without_dates_and_records_shelved():
    user, book = make_user(), make_book()
    entry = set_reading_status(user, book.pk, WANT)
    assert (entry.status, entry.started_at, entry.finished_at, entry.read_count) == (
        WANT,
        None,
        None,
        0,
    )
    activity = Activity.objects.get(actor=user)
    assert (activity.verb, activity.book, activity.target, activity.data) == (
        Verb.SHELVED,
        book,
        book,
        {"status": "want_to_read"},
    )


def test_reading_starts_today_and_read_finishes_today_counting_the_read():
    user, book = make_user(), make_book()
    entry = set_reading_status(user, book.pk, READING)
    assert (entry.started_at, entry.finished_at) == (today(), None)
    entry = set_reading_status(user, book.pk, READ)
    assert (entry.started_at, entry.finished_at, entry.read_count) == (today(), today(), 1)
    assert verbs(user) == [Verb.STARTED, Verb.FINISHED]
    assert Activity.objects.get(verb=Verb.FINISHED).data == {"status": "read", "read_count": 1}


def test_given_dates_are_kept_and_setting_the_same_status_again_records_nothing():
    user, book = make_user(), make_book()
    start, end = date(2024, 3, 1), date(2024, 4, 2)
    entry = set_reading_status(user, book.pk, READ, started_at=start, finished_at=end)
    assert (entry.started_at, entry.finished_at, entry.read_count) == (start, end, 1)
    entry = set_reading_status(user, book.pk, READ)  # nothing given: dates stay
    assert (entry.started_at, entry.finished_at, entry.read_count) == (start, end, 1)
    entry = set_reading_status(user, book.pk, READ, finished_at=date(2024, 5, 1))
    assert (entry.finished_at, entry.read_count) == (date(2024, 5, 1), 1)
    assert verbs(user) == [Verb.FINISHED]


def test_reading_again_after_finishing_is_a_new_read():
    user, book = make_user(), make_book(pages=300)
    make_user_book(
        user,
        book,
        status=READ,
        started_at=date(2020, 1, 1),
        finished_at=date(2020, 2, 1),
        read_count=1,
        progress_pages=300,
    )
    entry = set_reading_status(user, book.pk, READING)
    assert (entry.started_at, entry.finished_at, entry.progress_pages) == (today(), None, None)
    entry = set_reading_status(user, book.pk, READ)
    assert entry.read_count == 2
    assert verbs(user) == [Verb.STARTED, Verb.FINISHED]


def test_pausing_keeps_the_start_and_giving_up_finishes_today_without_counting():
    user, book = make_user(), make_book()
    started = today() - timedelta(days=10)
    set_reading_status(user, book.pk, READING, started_at=started)
    entry = set_reading_status(user, book.pk, PAUSED)
    assert (entry.started_at, entry.finished_at) == (started, None)
    entry = set_reading_status(user, book.pk, READING)
    assert entry.started_at == started  # resuming continues the same read
    entry = set_reading_status(user, book.pk, DNF)
    assert (entry.started_at, entry.finished_at, entry.read_count) == (started, today(), 0)
    # Pausing, resuming and giving up are not feed events.
    assert verbs(user) == [Verb.STARTED]


def test_first_shelving_on_any_shelf_is_recorded():
    user = make_user()
    set_reading_status(user, make_book().pk, PAUSED)
    set_reading_status(user, make_book().pk, DNF)
    assert verbs(user) == [Verb.SHELVED, Verb.SHELVED]


def test_back_to_want_to_read_clears_the_dates_but_not_the_count():
    user, book = make_user(), make_book()
    set_reading_status(user, book.pk, READ)
    entry = set_reading_status(user, book.pk, WANT)
    assert (entry.started_at, entry.finished_at, entry.read_count) == (None, None, 1)


@pytest.mark.parametrize(
    ("status", "dates", "field"),
    [
        (READ, {"finished_at": date(2024, 1, 1), "started_at": date(2024, 2, 1)}, "finished_at"),
        (READ, {"started_at": today() + timedelta(days=1)}, "started_at"),
        (READ, {"finished_at": today() + timedelta(days=1)}, "finished_at"),
        (READING, {"started_at": today() + timedelta(days=1)}, "started_at"),
        (WANT, {"started_at": date(2024, 1, 1)}, "started_at"),
        (WANT, {"finished_at": date(2024, 1, 1)}, "finished_at"),
        (READING, {"finished_at": date(2024, 1, 1)}, "finished_at"),
        (PAUSED, {"finished_at": date(2024, 1, 1)}, "finished_at"),
        ("shelved", {}, "status"),
    ],
)
def test_impossible_dates_and_statuses_are_invalid_and_leave_nothing(status, dates, field):
    user, book = make_user(), make_book()
    assert error_of(set_reading_status, user, book.pk, status, **dates) == (
        ErrorCode.INVALID,
        field,
    )
    assert not UserBook.objects.exists()
    assert not Activity.objects.exists()


def test_a_start_after_the_kept_finish_is_invalid_on_started_at():
    user, book = make_user(), make_book()
    set_reading_status(user, book.pk, READ, finished_at=date(2024, 1, 1))
    code_field = error_of(set_reading_status, user, book.pk, READ, started_at=date(2024, 6, 1))
    assert code_field == (ErrorCode.INVALID, "started_at")


def test_unknown_book_is_not_found():
    assert error_of(set_reading_status, make_user(), 999_999, READ) == (
        ErrorCode.NOT_FOUND,
        "book_id",
    )


@pytest.mark.parametrize(
    ("profile_privacy", "expected"),
    [
        (Privacy.PUBLIC, Privacy.PUBLIC),
        (Privacy.FOLLOWERS, Privacy.FOLLOWERS),
        (Privacy.PRIVATE, Privacy.PRIVATE),
    ],
)
def test_shelving_activity_privacy_follows_the_profile(profile_privacy, expected):
    user = make_user()
    make_profile(user, privacy=profile_privacy)
    set_reading_status(user, make_book().pk, READING)
    assert Activity.objects.get(actor=user).privacy == expected


def test_shelving_activity_of_a_reader_without_profile_is_public():
    user = make_user()
    Profile.objects.filter(user=user).delete()
    set_reading_status(user, make_book().pk, WANT)
    assert Activity.objects.get(actor=user).privacy == Privacy.PUBLIC


def test_remove_from_shelves_forgets_the_entry_and_its_activities_but_keeps_the_rating():
    user, other, book = make_user(), make_user(), make_book()
    set_reading_status(user, book.pk, READ)
    set_reading_status(other, book.pk, READ)
    make_rating(user, book)
    removal = remove_from_shelves(user, book.pk)
    assert removal.book == book
    assert not UserBook.objects.filter(user=user).exists()
    assert not Activity.objects.filter(actor=user).exists()
    assert Activity.objects.filter(actor=other).count() == 1  # other readers untouched
    assert Rating.objects.filter(user=user, book=book).exists()


def test_remove_from_shelves_of_a_book_not_shelved_is_not_found():
    user, book = make_user(), make_book()
    make_user_book(make_user(), book)  # someone else's shelf does not count
    assert error_of(remove_from_shelves, user, book.pk) == (ErrorCode.NOT_FOUND, "book_id")


def test_progress_in_pages_shelves_the_book_as_reading():
    user, book = make_user(), make_book(pages=200)
    entry = update_progress(user, book.pk, pages=50)
    assert (entry.status, entry.progress_pages, entry.progress_percent) == (READING, 50, None)
    assert entry.started_at == today()
    assert verbs(user) == [Verb.STARTED]
    entry = update_progress(user, book.pk, percent=42.5)
    assert (entry.progress_pages, entry.progress_percent) == (None, Decimal("42.50"))
    assert verbs(user) == [Verb.STARTED]  # already reading: progress is not a feed event


def test_reaching_the_end_does_not_finish_the_book():
    user, book = make_user(), make_book(pages=200)
    assert update_progress(user, book.pk, pages=200).status == READING
    assert update_progress(user, book.pk, percent=100).status == READING


def test_progress_on_a_book_wanted_or_paused_moves_it_to_reading():
    user, book = make_user(), make_book()
    started = today() - timedelta(days=3)
    set_reading_status(user, book.pk, READING, started_at=started)
    set_reading_status(user, book.pk, PAUSED)
    entry = update_progress(user, book.pk, pages=10)
    assert (entry.status, entry.started_at) == (READING, started)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, None),
        ({"pages": 10, "percent": 10}, None),
        ({"pages": 201}, "pages"),
        ({"pages": -1}, "pages"),
        ({"percent": 100.01}, "percent"),
        ({"percent": -0.5}, "percent"),
        ({"percent": float("nan")}, "percent"),
    ],
)
def test_invalid_progress_is_refused_and_leaves_nothing(kwargs, field):
    user, book = make_user(), make_book(pages=200)
    assert error_of(update_progress, user, book.pk, **kwargs) == (ErrorCode.INVALID, field)
    assert not UserBook.objects.exists()
    assert not Activity.objects.exists()


def test_pages_of_a_book_of_unknown_length_are_accepted():
    entry = update_progress(make_user(), make_book().pk, pages=5000)
    assert entry.progress_pages == 5000


def test_the_id_of_a_merged_book_names_the_survivor():
    user, survivor = make_user(), make_book()
    BookRedirect.objects.create(old_id=survivor.pk + 1000, book=survivor)
    entry = set_reading_status(user, survivor.pk + 1000, READING)
    assert entry.book == survivor
    assert update_progress(user, survivor.pk + 1000, pages=3).pk == entry.pk
    assert remove_from_shelves(user, survivor.pk + 1000).user_book_id == entry.pk
