"""The reading journal: progress and notes while reading. A progress update *is* an entry.

`add_journal_entry` records how far the reader is (pages or percent), a note, or both; the
shelf entry's `progress_*` columns repeat the newest entry's progress (for lists and the book
page), so there is one record of progress: the journal. `update_progress` is the journal entry
without a note.

An entry with a note that others may see (not private) shows in followers' feeds as a `noted`
activity, with the entry's spoiler flag in its data; the note itself is read through the
entry, under the entry's own privacy and the reader's profile privacy.
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction

from apps.core.errors import Invalid, NotAllowed, NotFound
from apps.core.models import Privacy
from apps.core.validation import clean_text
from apps.reading.models import JournalEntry, ReadingStatus, UserBook
from apps.reading.progress import pages_of
from apps.reading.services._common import activity_privacy, check_privacy, get_book
from apps.reading.services.shelves import apply_status, locked_entry
from apps.social.activity import record_activity, remove_activities
from apps.social.models import Activity, Verb
from apps.social.visibility import can_see

NOTE_MAX = 10_000


def add_journal_entry(
    user,
    book_id: int,
    *,
    page: int | None = None,
    percent=None,
    note: str = "",
    privacy: str = Privacy.PUBLIC,
    spoiler: bool = False,
    page_field: str = "page",
) -> JournalEntry:
    """Write an entry in the reader's journal of a book: progress, a note, or both.

    Progress moves a book not being read to `reading` (recording `started`), as
    `update_progress` always did; a note alone leaves the shelf as it is (a book not yet on the
    shelves goes to `reading`). Reaching the end never finishes the book.
    """
    if page is not None and percent is not None:
        raise Invalid("Give pages or percent, not both.", field="percent")
    note = clean_text(note or "", field="note", max_length=NOTE_MAX)
    privacy = check_privacy(privacy)
    if page is None and percent is None and not note:
        raise Invalid("Give your progress (page or percent), a note, or both.", field="note")
    with transaction.atomic():
        book = get_book(book_id)
        shelf = locked_entry(user, book)
        if page is not None:
            page = _check_page(page, pages_of(shelf), page_field)
        elif percent is not None:
            percent = _check_percent(percent)
        has_progress = page is not None or percent is not None
        if shelf.pk is None or (has_progress and shelf.status != ReadingStatus.READING):
            apply_status(shelf, ReadingStatus.READING)
        if has_progress:
            shelf.progress_pages, shelf.progress_percent = page, percent
        shelf.save()
        entry = JournalEntry.objects.create(
            user=user,
            user_book=shelf,
            page=page,
            percent=percent,
            note=note,
            privacy=privacy,
            spoiler=spoiler,
        )
        _sync_activity(entry, shelf)
    return entry


def update_journal_entry(
    user,
    entry_id: int,
    *,
    page=None,
    percent=None,
    note: str | None = None,
    privacy: str | None = None,
    spoiler: bool | None = None,
) -> JournalEntry:
    """Change an entry; what is left out (None) stays. Giving `page` replaces a percent and
    the other way round. The shelf's progress follows when this is the newest entry."""
    if page is not None and percent is not None:
        raise Invalid("Give pages or percent, not both.", field="percent")
    if note is not None:
        note = clean_text(note, field="note", max_length=NOTE_MAX)
    if privacy is not None:
        privacy = check_privacy(privacy)
    with transaction.atomic():
        entry = _own_entry(user, entry_id)
        shelf = (
            UserBook.objects.select_for_update().select_related("book").get(pk=entry.user_book_id)
        )
        if page is not None:
            entry.page, entry.percent = _check_page(page, pages_of(shelf)), None
        elif percent is not None:
            entry.page, entry.percent = None, _check_percent(percent)
        for field, value in (("note", note), ("privacy", privacy), ("spoiler", spoiler)):
            if value is not None:
                setattr(entry, field, value)
        if entry.page is None and entry.percent is None and not entry.note:
            raise Invalid("An entry keeps its progress, a note, or both.", field="note")
        entry.save()
        _sync_progress(shelf)
        _sync_activity(entry, shelf)
        entry.user_book = shelf
    return entry


def delete_journal_entry(user, entry_id: int) -> int:
    """Delete an entry (and its feed activity); returns its id. The shelf's progress goes back
    to the newest remaining entry's."""
    with transaction.atomic():
        entry = _own_entry(user, entry_id)
        shelf = UserBook.objects.select_for_update().get(pk=entry.user_book_id)
        entry_pk = entry.pk
        remove_activities(entry)
        entry.delete()
        _sync_progress(shelf)
    return entry_pk


def update_progress(
    user, book_id: int, pages: int | None = None, percent: float | Decimal | None = None
) -> UserBook:
    """Record how far the reader is, in pages or in percent (exactly one of them): a journal
    entry without a note. Returns the shelf entry."""
    if (pages is None) == (percent is None):
        raise Invalid("Give either pages or percent (exactly one of them).")
    entry = add_journal_entry(user, book_id, page=pages, percent=percent, page_field="pages")
    return entry.user_book


def _own_entry(user, entry_id: int) -> JournalEntry:
    """The entry, locked, when it is the reader's; NOT_FOUND when they may not see it, and
    NOT_ALLOWED when they may see it but it is someone else's."""
    entry = JournalEntry.objects.select_for_update().filter(pk=entry_id).first()
    if entry is None or (
        entry.user_id != user.pk and not can_see(user, entry.user_id, entry.privacy)
    ):
        raise NotFound("No journal entry with this id.", field="id")
    if entry.user_id != user.pk:
        raise NotAllowed("Only its author may change a journal entry.", field="id")
    return entry


def _sync_progress(shelf: UserBook) -> None:
    """The shelf's progress is the newest entry's (of the current read) that has progress."""
    entries = shelf.journal_entries.exclude(page__isnull=True, percent__isnull=True)
    if shelf.started_at is not None:
        entries = entries.filter(created_at__date__gte=shelf.started_at)
    newest = entries.order_by("-created_at", "-id").first()
    shelf.progress_pages = newest.page if newest else None
    shelf.progress_percent = newest.percent if newest else None
    shelf.save(update_fields=["progress_pages", "progress_percent", "updated_at"])


def _sync_activity(entry: JournalEntry, shelf: UserBook) -> None:
    """A note others may see has one `noted` activity, kept in step with the entry."""
    shown = bool(entry.note) and entry.privacy != Privacy.PRIVATE
    existing = Activity.objects.filter(
        verb=Verb.NOTED, target_id=entry.pk, actor_id=entry.user_id, book_id=shelf.book_id
    ).first()
    if not shown:
        if existing is not None:
            remove_activities(entry)
        return
    privacy = activity_privacy(entry.user, entry.privacy)
    data = {"spoiler": entry.spoiler, "page": entry.page}
    if entry.percent is not None:
        data["percent"] = float(entry.percent)
    if existing is None:
        record_activity(entry.user, Verb.NOTED, entry, book=shelf.book, privacy=privacy, data=data)
    else:
        existing.privacy, existing.data = privacy, data
        existing.save(update_fields=["privacy", "data"])


def _check_page(page: int, pages: int | None, field: str = "page") -> int:
    if page < 0:
        raise Invalid("Pages read cannot be negative.", field=field)
    if pages is not None and page > pages:
        raise Invalid(f"This edition has {pages} pages.", field=field)
    return page


def _check_percent(percent) -> Decimal:
    try:
        value = Decimal(str(percent))
    except InvalidOperation:
        raise Invalid("Percent must be a number.", field="percent") from None
    if not value.is_finite() or not 0 <= value <= 100:
        raise Invalid("Percent must be between 0 and 100.", field="percent")
    return value.quantize(Decimal("0.01"))
