"""Shelves: putting a book on a reader's shelf and moving it between statuses (progress is
written through the journal, `apps.reading.services.journal`).

Dates follow what a reader means by each shelf:

- `want_to_read` has no reading dates (giving one is INVALID);
- `reading` starts today unless a start date is given or the current read already has one;
  coming back to `reading` from `read` or `did_not_finish` starts a new read (new start
  date, no finish date, progress cleared);
- `paused` keeps the current read's start date and has no finish date (resuming continues
  the same read, and is not a new `started` in feeds);
- `read` and `did_not_finish` finish today unless a finish date is given; `read_count` goes
  up by one each time the book moves to `read`.

No date may be in the future, and a read cannot finish before it started.
"""

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction

from apps.catalog.models import Book, Edition
from apps.core.errors import Conflict, Invalid, NotFound
from apps.reading.models import ReadingStatus, UserBook
from apps.reading.services._common import activity_privacy, get_book, today
from apps.reading.services.upnext import take_off_up_next
from apps.social.activity import record_activity
from apps.social.models import Activity, Verb

# Statuses in which a read is under way: moving between them continues the same read.
IN_PROGRESS = {ReadingStatus.READING, ReadingStatus.PAUSED}
FINISHING = {ReadingStatus.READ, ReadingStatus.DID_NOT_FINISH}
SHELF_VERBS = [Verb.SHELVED, Verb.STARTED, Verb.FINISHED, Verb.NOTED]


@dataclass(frozen=True)
class ShelfRemoval:
    """What `remove_from_shelves` removed: the book's shelf entry (by id), and the book."""

    user_book_id: int
    book: Book


def set_reading_status(
    user,
    book_id: int,
    status: str,
    started_at: date | None = None,
    finished_at: date | None = None,
    edition_id: int | None = None,
) -> UserBook:
    """Shelve `book_id` for `user` with `status` (creating or updating the shelf entry).

    `edition_id` names the edition the reader reads (one of the book's: INVALID otherwise);
    left out, the entry keeps the edition it named. Records `shelved` (want to read, or the
    first shelving), `started` (reading) or `finished` (read) when the status changes.
    """
    if status not in ReadingStatus.values:
        raise Invalid("Unknown reading status.", field="status")
    with transaction.atomic():
        book = get_book(book_id)
        edition = _edition_of(book, edition_id) if edition_id is not None else None
        entry = locked_entry(user, book)
        if edition is not None:
            entry.edition = edition
        apply_status(entry, ReadingStatus(status), started_at, finished_at)
        entry.save()
    return entry


def _edition_of(book: Book, edition_id: int) -> Edition:
    edition = Edition.objects.filter(pk=edition_id).first()
    if edition is None:
        raise NotFound("No edition with this id.", field="edition_id")
    if edition.book_id != book.pk:
        raise Invalid("This edition is not an edition of this book.", field="edition_id")
    return edition


def remove_from_shelves(user, book_id: int) -> ShelfRemoval:
    """Take the book off the reader's shelves, with the shelving activities it caused.

    The reader's rating and review of the book stay: they are separate acts.
    """
    with transaction.atomic():
        book = get_book(book_id)
        entry = UserBook.objects.select_for_update().filter(user=user, book=book).first()
        if entry is None:
            raise NotFound("This book is not on your shelves.", field="book_id")
        removal = ShelfRemoval(user_book_id=entry.pk, book=book)
        Activity.objects.filter(actor=user, book=book, verb__in=SHELF_VERBS).delete()
        entry.delete()
    return removal


def apply_status(
    entry: UserBook,
    status: ReadingStatus,
    started_at: date | None = None,
    finished_at: date | None = None,
) -> None:
    """Move an entry (saved or not) to `status` with the date rules above; record the activity.

    The caller saves the entry's later changes; a new entry is inserted here, so that a
    concurrent duplicate shelving is a CONFLICT rather than an error.
    """
    now = today()
    for field, value in (("started_at", started_at), ("finished_at", finished_at)):
        if value is not None and value > now:
            raise Invalid("A reading date cannot be in the future.", field=field)
    given_finish = finished_at is not None
    previous = ReadingStatus(entry.status) if entry.pk else None
    # Moving between reading and paused continues a read; anything else into them starts one.
    new_read = status in IN_PROGRESS and previous not in IN_PROGRESS

    if status == ReadingStatus.WANT_TO_READ:
        if started_at is not None or finished_at is not None:
            field = "started_at" if started_at is not None else "finished_at"
            raise Invalid("A book you want to read has no reading dates yet.", field=field)
        started_at = finished_at = None
    else:
        if started_at is None:
            if new_read:
                started_at = now if status == ReadingStatus.READING else None
            else:
                started_at = entry.started_at
                if started_at is None and status == ReadingStatus.READING:
                    started_at = now
        if status not in FINISHING:
            if finished_at is not None:
                raise Invalid(
                    "Only a finished or abandoned book has a finish date.", field="finished_at"
                )
        elif finished_at is None:
            kept = entry.finished_at if previous == status else None
            finished_at = kept or now
    if started_at and finished_at and finished_at < started_at:
        field = "finished_at" if given_finish else "started_at"
        raise Invalid("A read cannot finish before it started.", field=field)

    entry.started_at, entry.finished_at = started_at, finished_at
    if new_read:
        entry.progress_pages = entry.progress_percent = None
    if status == ReadingStatus.READ and previous != ReadingStatus.READ:
        entry.read_count += 1
    entry.status = status
    if previous is None:
        _save_new(entry)
    if status == ReadingStatus.READING and previous != ReadingStatus.READING:
        take_off_up_next(entry.user_id, entry.book_id)  # started: no longer "up next"
    verb = _verb_for(previous, status)
    if verb is not None:
        data = {"status": status.value}
        if verb == Verb.FINISHED:
            data["read_count"] = entry.read_count
        privacy = activity_privacy(entry.user)
        record_activity(entry.user, verb, entry.book, book=entry.book, privacy=privacy, data=data)


def _verb_for(previous: ReadingStatus | None, status: ReadingStatus) -> Verb | None:
    if previous == status:
        return None  # only dates changed: nothing new for a feed
    if status == ReadingStatus.READING:
        return None if previous == ReadingStatus.PAUSED else Verb.STARTED
    if status == ReadingStatus.READ:
        return Verb.FINISHED
    if status == ReadingStatus.WANT_TO_READ or previous is None:
        return Verb.SHELVED
    return None


def locked_entry(user, book: Book) -> UserBook:
    """The reader's entry for the book, row-locked; a new unsaved one when not shelved."""
    entry = UserBook.objects.select_for_update().filter(user=user, book=book).first()
    if entry is None:
        entry = UserBook(user=user, book=book, status=ReadingStatus.WANT_TO_READ)
    return entry


def _save_new(entry: UserBook) -> None:
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        # The same reader shelved the same book in a concurrent request (a double click).
        raise Conflict("This book was just shelved by another request.", field="book_id") from None
