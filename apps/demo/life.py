"""Reading life in the demo world: journals, quotes, how books felt, up next, minutes goals.

Dated like the rest of the world (relative to the reference date) and seeded per reader, so
every build is the same. Journal notes others may see get their `noted` feed activity.
"""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType

from apps.core.models import Privacy
from apps.demo.bulk import bulk_create_stamped, update_rows
from apps.demo.clock import REFERENCE_YEAR, before_reference, moment, rng_for
from apps.demo.shelves import Shelf, stricter
from apps.impressions.models import (
    BookTraitMood,
    BookTraitVote,
    BookTraitWarning,
    ContentWarning,
    Driver,
    Mood,
    Pace,
    Quote,
    Severity,
)
from apps.reading.models import (
    UP_NEXT_MAX,
    JournalEntry,
    ReadingGoal,
    ReadingStatus,
    UpNextItem,
    UserBook,
)
from apps.social.models import Activity, Verb

JOURNAL_NOTES = [
    "Couldn't put it down last night.",
    "Slow chapter, but the ending of it made up for it.",
    "I did not see that coming.",
    "Taking notes on the world-building here.",
    "Re-read the first pages: they mean something else now.",
    "A quiet, lovely stretch.",
]
QUOTE_LINES = [
    "Every ending is a door someone forgot to close.",
    "She kept her maps the way other people keep letters.",
    "The river did not care who crossed it, only that they kept going.",
    "Some questions are just answers that have not been brave enough yet.",
    "He read the stars like a timetable, and was never late.",
    "Home was wherever the kettle was already warm.",
]
WARNINGS = ["Death", "Violence", "Grief", "War", "Addiction"]


def build_reading_life(shelves: dict[str, Shelf]) -> None:
    _journals(shelves)
    _quotes(shelves)
    _traits(shelves)
    _up_next(shelves)
    _minutes_goals(shelves)


def _journals(shelves: dict[str, Shelf]) -> None:
    entries, stamps, activities, activity_stamps = [], [], [], []
    for name, shelf in shelves.items():
        rng = rng_for("journal", name)
        for entry in shelf.entries:
            if entry.status not in (ReadingStatus.READING, ReadingStatus.READ):
                continue
            if entry.status == ReadingStatus.READ and (
                entry.finished_at.year != REFERENCE_YEAR or rng.random() < 0.5
            ):
                continue
            start = entry.started_at or entry.created_at.date()
            end = entry.finished_at or before_reference(start + timedelta(days=20))
            pages = entry.book.pages
            span = max((end - start).days, 1)
            for step in range(1, rng.randint(2, 4) + 1):
                on = before_reference(start + timedelta(days=min(span, step * span // 4)))
                share = min(100, step * rng.randint(15, 25))
                note = rng.choice(JOURNAL_NOTES) if rng.random() < 0.4 else ""
                privacy = rng.choice([Privacy.PUBLIC, Privacy.PUBLIC, Privacy.FOLLOWERS])
                entries.append(
                    JournalEntry(
                        user=shelf.person.user,
                        user_book=entry,
                        page=round(pages * share / 100) if pages else None,
                        percent=None if pages else share,
                        note=note,
                        spoiler=bool(note) and rng.random() < 0.2,
                        privacy=privacy,
                    )
                )
                stamps.append(_stamp(moment(on, rng)))
    bulk_create_stamped(JournalEntry, entries, stamps)
    target = ContentType.objects.get_for_model(JournalEntry)
    profiles = {s.person.user.pk: s.person.profile.privacy for s in shelves.values()}
    for journal in entries:
        if journal.note and journal.privacy != Privacy.PRIVATE:
            activities.append(
                Activity(
                    actor_id=journal.user_id,
                    verb=Verb.NOTED,
                    target_type=target,
                    target_id=journal.pk,
                    book_id=journal.user_book.book_id,
                    data={"spoiler": journal.spoiler, "page": journal.page},
                    privacy=stricter(profiles[journal.user_id], journal.privacy),
                )
            )
            activity_stamps.append({"created_at": journal.created_at})
    bulk_create_stamped(Activity, activities, activity_stamps)
    # The shelf shows the newest entry's progress (the journal is the one record of it).
    newest: dict[int, JournalEntry] = {}
    for journal in entries:
        newest[journal.user_book_id] = journal
    reading = [
        journal.user_book
        for journal in newest.values()
        if journal.user_book.status == ReadingStatus.READING
    ]
    for shelf_entry in reading:
        latest = newest[shelf_entry.pk]
        shelf_entry.progress_pages, shelf_entry.progress_percent = latest.page, latest.percent
    update_rows(UserBook, reading, ["progress_pages", "progress_percent"])


def _quotes(shelves: dict[str, Shelf]) -> None:
    quotes, stamps = [], []
    for name, shelf in shelves.items():
        rng = rng_for("quotes", name)
        for entry in shelf.with_status(ReadingStatus.READ):
            if rng.random() < 0.25:
                pages = entry.book.pages
                quotes.append(
                    Quote(
                        user=shelf.person.user,
                        book=entry.book,
                        text=rng.choice(QUOTE_LINES),
                        page=rng.randint(1, pages) if pages else None,
                        spoiler=rng.random() < 0.1,
                        privacy=rng.choice([Privacy.PUBLIC] * 4 + [Privacy.PRIVATE]),
                    )
                )
                stamps.append(_stamp(moment(entry.finished_at, rng)))
    bulk_create_stamped(Quote, quotes, stamps)


def _traits(shelves: dict[str, Shelf]) -> None:
    warnings = {w.name: w for w in ContentWarning.objects.filter(name__in=WARNINGS)}
    votes, stamps, plans = [], [], []
    for name, shelf in shelves.items():
        rng = rng_for("traits", name)
        for entry in shelf.entries:
            if entry.status not in (ReadingStatus.READ, ReadingStatus.DID_NOT_FINISH):
                continue
            if rng.random() > 0.6:
                continue
            votes.append(
                BookTraitVote(
                    user=shelf.person.user,
                    book=entry.book,
                    pace=rng.choice(Pace.values),
                    driver=rng.choice([*Driver.values, ""]),
                )
            )
            stamps.append(_stamp(moment(entry.finished_at or entry.created_at.date(), rng)))
            chosen = [w for w in WARNINGS if w in warnings and rng.random() < 0.08]
            plans.append(
                (rng.sample(Mood.values, rng.randint(1, 3)), chosen, rng.choice(Severity.values))
            )
    bulk_create_stamped(BookTraitVote, votes, stamps)
    BookTraitMood.objects.bulk_create(
        [
            BookTraitMood(vote=vote, book_id=vote.book_id, mood=mood)
            for vote, (moods, _, _) in zip(votes, plans, strict=True)
            for mood in moods
        ],
        batch_size=500,
    )
    BookTraitWarning.objects.bulk_create(
        [
            BookTraitWarning(
                vote=vote, book_id=vote.book_id, warning=warnings[name], severity=severity
            )
            for vote, (_, names, severity) in zip(votes, plans, strict=True)
            for name in names
        ],
        batch_size=500,
    )


def _up_next(shelves: dict[str, Shelf]) -> None:
    items = []
    for name, shelf in shelves.items():
        rng = rng_for("up-next", name)
        wanted = sorted(shelf.with_status(ReadingStatus.WANT_TO_READ), key=lambda e: e.created_at)
        size = min(len(wanted), rng.randint(0, 5), UP_NEXT_MAX)
        for position, entry in enumerate(rng.sample(wanted, size)):
            items.append(UpNextItem(user=shelf.person.user, book=entry.book, position=position))
    UpNextItem.objects.bulk_create(items, batch_size=500)


def _minutes_goals(shelves: dict[str, Shelf]) -> None:
    """Some readers also count audiobook minutes (0 listened until editions carry durations)."""
    goals = []
    for name, shelf in shelves.items():
        if rng_for("minutes-goal", name).random() < 0.25:
            goals.extend(ReadingGoal.objects.filter(user=shelf.person.user, year=REFERENCE_YEAR))
    for goal in goals:
        goal.minutes_target = 1200
    update_rows(ReadingGoal, goals, ["minutes_target"])


def _stamp(at) -> dict:
    return {"created_at": at, "updated_at": at}
