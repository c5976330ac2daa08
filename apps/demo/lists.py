"""Readers' reading lists (ordered, with notes) and their goals for the reference year."""

from datetime import date, timedelta

from apps.demo.bulk import bulk_create_stamped
from apps.demo.cast import ListPlan
from apps.demo.clock import (
    REFERENCE_DATE,
    REFERENCE_YEAR,
    before_reference,
    moment,
    reference_moment,
    rng_for,
)
from apps.demo.shelves import Shelf
from apps.demo.texts import LIST_NOTES
from apps.reading.models import ReadingGoal, ReadingList, ReadingListItem, ReadingStatus, UserBook


def build_lists(shelves: dict[str, Shelf]) -> list[ReadingListItem]:
    """Every reader's lists from their cast plans, returning the items (numbered from 1)."""
    lists, list_stamps, items, item_stamps = [], [], [], []
    for name, shelf in shelves.items():
        rng = rng_for("lists", name)
        reader = shelf.person.reader
        for plan in reader.lists:
            entries = _candidates(shelf, plan)[: plan.size]
            # Made a little after its newest book was read or shelved: a list of favourites
            # does not predate reading them.
            newest = max(e.finished_at or e.created_at.date() for e in entries)
            created = moment(before_reference(newest + timedelta(days=rng.randint(1, 30))), rng)
            reading_list = ReadingList(
                owner=shelf.person.user,
                name=plan.name,
                description=plan.description,
                privacy=plan.privacy,
            )
            lists.append(reading_list)
            added = created
            for position, entry in enumerate(entries, start=1):
                note = rng.choice(LIST_NOTES) if rng.random() < 0.35 else ""
                items.append(
                    ReadingListItem(
                        reading_list=reading_list, book=entry.book, position=position, note=note
                    )
                )
                added = min(added + timedelta(minutes=rng.randint(1, 90)), reference_moment())
                item_stamps.append({"added_at": added})
            list_stamps.append({"created_at": created, "updated_at": added})
    bulk_create_stamped(ReadingList, lists, list_stamps)
    bulk_create_stamped(ReadingListItem, items, item_stamps)
    return items


def _candidates(shelf: Shelf, plan: ListPlan) -> list[UserBook]:
    """The shelf entries a list draws from, best first; never empty for a reader who reads."""
    read = shelf.with_status(ReadingStatus.READ)

    def score(entry: UserBook):
        rating = shelf.ratings.get(id(entry))
        return (-(rating.value if rating else 0), -entry.finished_at.toordinal(), entry.book.title)

    if plan.source == "want":
        entries = sorted(shelf.with_status(ReadingStatus.WANT_TO_READ), key=lambda e: e.created_at)
    elif plan.source.startswith("genre:"):
        genre = plan.source.removeprefix("genre:")
        entries = sorted((e for e in read if genre in shelf.book_of(e).genres), key=score) + [
            e
            for e in shelf.entries
            if e.status in (ReadingStatus.WANT_TO_READ, ReadingStatus.READING)
            and genre in shelf.book_of(e).genres
        ]
    else:  # "loved"
        entries = [e for e in sorted(read, key=score) if shelf.ratings.get(id(e))]
        entries = [e for e in entries if shelf.ratings[id(e)].value >= 4]
    if len(entries) < 3:  # a thin source: pad with the reader's best-rated reads
        entries += [e for e in sorted(read, key=score) if e not in entries]
    return entries


def build_goals(shelves: dict[str, Shelf]) -> list[ReadingGoal]:
    """A goal for the reference year, pitched near each reader's actual pace.

    Targets are set from what the reader finished by the reference date, stretched over the
    year with some ambition or caution, so progress bars show a mix of on-track and behind.
    """
    pace = 365 / REFERENCE_DATE.timetuple().tm_yday
    goals, stamps = [], []
    for name, shelf in shelves.items():
        rng = rng_for("goal", name)
        reader = shelf.person.reader
        done = [
            e for e in shelf.with_status(ReadingStatus.READ) if e.finished_at.year == REFERENCE_YEAR
        ]
        pages = sum(e.book.pages or 300 for e in done)  # a typical length when unknown
        books_target = pages_target = None
        if reader.goal in ("books", "both"):
            books_target = max(5, round(len(done) * pace * rng.uniform(0.85, 1.35)))
        if reader.goal in ("pages", "both"):
            pages_target = max(2000, round(pages * pace * rng.uniform(0.9, 1.3) / 500) * 500)
        goals.append(
            ReadingGoal(
                user=shelf.person.user,
                year=REFERENCE_YEAR,
                books_target=books_target,
                pages_target=pages_target,
            )
        )
        joined = shelf.person.user.date_joined.date()
        set_on = max(date(REFERENCE_YEAR, 1, rng.randint(1, 12)), joined)
        at = moment(set_on, rng)
        stamps.append({"created_at": at, "updated_at": at})
    bulk_create_stamped(ReadingGoal, goals, stamps)
    return goals
