"""Copies readers lend, and reservations in every state the queue knows.

Unlike the rest of the world, lending is dated relative to the moment of seeding, not to the
reference date: a ready reservation's pickup deadline and a loan's due date are live state that
background jobs act on (expiring holds, reminding borrowers), so they must lie in the future
when the demo starts, or the first sweep would expire every hold the demo set up.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from apps.demo.bulk import bulk_create_stamped, update_rows
from apps.demo.clock import moment_before, rng_for
from apps.demo.shelves import Shelf
from apps.lending.models import BookCopy, CopyCondition, Reservation, ReservationStatus
from apps.reading.models import ReadingStatus, UserBook

# Who lends how many copies, and where they hand them over.
OWNERS = {
    "demo": (5, "Hall bookcase, top shelf"),
    "ben": (4, "Kreuzberg: ring the bell twice"),
    "kemi": (4, "Classroom library, St Werburgh's Primary"),
    "luis": (3, "Café Tacuba on Saturdays, before rehearsal"),
    "elena": (3, "Office at the translators' union, weekdays"),
}
CONDITIONS = [CopyCondition.LIKE_NEW, CopyCondition.GOOD, CopyCondition.GOOD, CopyCondition.FAIR]

# (reader, copy owner, owner's copy number, status, days ago it was reserved)
PLAN = [
    ("demo", "ben", 0, ReservationStatus.READY, 6),
    ("chloe", "demo", 0, ReservationStatus.ON_LOAN, 15),
    ("farah", "demo", 0, ReservationStatus.WAITING, 4),
    ("hana", "demo", 0, ReservationStatus.WAITING, 2),
    ("demo", "kemi", 0, ReservationStatus.ON_LOAN, 9),
    ("kemi", "demo", 1, ReservationStatus.READY, 3),
    ("isla", "elena", 0, ReservationStatus.READY, 5),
    ("gus", "luis", 0, ReservationStatus.RETURNED, 60),
    ("dev", "ben", 1, ReservationStatus.CANCELLED, 20),
    ("luis", "ben", 2, ReservationStatus.ON_LOAN, 12),
]
LOAN_DAYS = 21
PICKUP_DAYS = 3


@dataclass
class Lending:
    copies: list[BookCopy]
    reservations: list[Reservation]


def build_lending(shelves: dict[str, Shelf], now: datetime) -> Lending:
    copies = _save_copies(shelves)
    by_owner: dict[str, list[BookCopy]] = {}
    for copy in copies:
        by_owner.setdefault(copy.owner.username, []).append(copy)
    reservations, stamps = [], []
    for reader, owner, number, status, days_ago in PLAN:
        copy = by_owner[owner][number]
        reservation, stamp = _reservation(shelves[reader], copy, status, now, days_ago)
        reservations.append(reservation)
        stamps.append(stamp)
    bulk_create_stamped(Reservation, reservations, stamps)
    return Lending(copies, reservations)


def _save_copies(shelves: dict[str, Shelf]) -> list[BookCopy]:
    """Copies of books their owners have read, avoiding books the borrower has already read."""
    rng = rng_for("copies")
    copies, stamps, owned = [], [], []
    for owner, (count, location) in OWNERS.items():
        shelf = shelves[owner]
        entries = shelf.with_status(ReadingStatus.READ)
        rng.shuffle(entries)
        for number in range(count):
            borrowers = [r for r, o, n, *_ in PLAN if o == owner and n == number]
            entry = next(e for e in entries if not any(_has_read(shelves[b], e) for b in borrowers))
            entries.remove(entry)
            entry.owned_copies = 1
            owned.append(entry)
            copies.append(
                BookCopy(
                    book=entry.book,
                    owner=shelf.person.user,
                    condition=rng.choice(CONDITIONS),
                    location=location,
                )
            )
            stamps.append({"created_at": moment_before(rng.randint(30, 300), rng)})
    withdrawn = copies[len(OWNERS["demo"]) + OWNERS["ben"][0] - 1]  # ben's last one
    withdrawn.is_active = False
    withdrawn.notes = "The spine finally gave up. Not lending it until it's rebound."
    for stamp in stamps:
        stamp["updated_at"] = stamp["created_at"]
    bulk_create_stamped(BookCopy, copies, stamps)
    update_rows(UserBook, owned, ["owned_copies"])
    return copies


def _has_read(shelf: Shelf, entry: UserBook) -> bool:
    return any(e.book_id == entry.book_id for e in shelf.with_status(ReadingStatus.READ))


def _reservation(shelf: Shelf, copy: BookCopy, status: str, now: datetime, days_ago: int):
    """An unsaved reservation for `copy`'s book and its `reserved_at`, consistent with `status`."""
    reserved = now - timedelta(days=days_ago, hours=3)
    reservation = Reservation(book=copy.book, user=shelf.person.user, status=status)
    if status in (ReservationStatus.READY, ReservationStatus.ON_LOAN, ReservationStatus.RETURNED):
        reservation.copy = copy
        # A hold that is still ready became so yesterday; a loan's copy was ready a while ago.
        waited = days_ago - 1 if status == ReservationStatus.READY else days_ago // 3
        reservation.ready_at = reserved + timedelta(days=waited, hours=1)
        reservation.pickup_deadline = reservation.ready_at + timedelta(days=PICKUP_DAYS)
    if status in (ReservationStatus.ON_LOAN, ReservationStatus.RETURNED):
        reservation.loaned_at = reservation.ready_at + timedelta(days=1)
        reservation.due_at = reservation.loaned_at + timedelta(days=LOAN_DAYS)
    if status == ReservationStatus.RETURNED:
        reservation.returned_at = reservation.due_at - timedelta(days=4)
    if status == ReservationStatus.CANCELLED:
        reservation.ended_at = reserved + timedelta(days=2)
    return reservation, {"reserved_at": reserved}
