"""How a book feels: each reader's moods, pace, driver and content warnings, and the book's
community view counted from them.

Only a reader who finished (`read`) or abandoned (`did_not_finish`) a book may tag it. A reader
has one vote per book; setting traits replaces it whole (an empty vote removes it). The book's
traits are counted from the votes when read (`book_traits`, and the same SQL for compiled
reads), so they are exact whatever runs concurrently: the only shared state is each reader's
own vote, written under that vote's row lock.
"""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower

from apps.catalog.models import Book
from apps.core.errors import Conflict, Invalid, NotAllowed
from apps.core.validation import clean_text
from apps.impressions.models import (
    BookTraitMood,
    BookTraitVote,
    BookTraitWarning,
    ContentWarning,
    Driver,
    Mood,
    Pace,
    Severity,
)
from apps.reading.models import ReadingStatus, UserBook
from apps.reading.services._common import get_book

TAGGING_STATUSES = (ReadingStatus.READ, ReadingStatus.DID_NOT_FINISH)
# A book "is" a mood (for `books(filter: {moods})`) when at least this share of its voters
# chose it: StoryGraph shows the moods a good part of its readers agree on, not every one.
MOOD_SHARE_DENOMINATOR = 3
SEVERITY_RANK = {s: i for i, s in enumerate(Severity.values)}


@dataclass(frozen=True)
class WarningInput:
    name: str
    severity: str


@dataclass
class Traits:
    voters: int = 0
    # (value, share) for every value of the closed lists, most chosen first, ties by value
    moods: list[tuple[str, float]] = field(default_factory=list)
    pace: list[tuple[str, float]] = field(default_factory=list)
    drivers: list[tuple[str, float]] = field(default_factory=list)
    warnings: list[tuple[str, str, int]] = field(default_factory=list)  # (name, severity, count)


def set_book_traits(
    user,
    book_id: int,
    *,
    moods: list[str] = (),
    pace: str | None = None,
    driver: str | None = None,
    warnings: list[WarningInput] = (),
) -> BookTraitVote | None:
    """Replace the reader's view of a book; None when the vote is now empty (removed)."""
    moods = list(dict.fromkeys(moods))
    for mood in moods:
        if mood not in Mood.values:
            raise Invalid("Unknown mood.", field="moods")
    if pace is not None and pace not in Pace.values:
        raise Invalid("Unknown pace.", field="pace")
    if driver is not None and driver not in Driver.values:
        raise Invalid("Unknown driver.", field="plotOrCharacter")
    with transaction.atomic():
        book = get_book(book_id)
        named = _warnings(warnings)
        finished = UserBook.objects.filter(user=user, book=book, status__in=TAGGING_STATUSES)
        if not finished.exists():
            raise NotAllowed(
                "Only a reader who finished or abandoned a book may tag it.", field="book_id"
            )
        vote = _locked_vote(user, book)
        vote.moods.all().delete()
        vote.warnings.all().delete()
        if not moods and pace is None and driver is None and not named:
            vote.delete()
            return None
        vote.pace, vote.driver = pace or "", driver or ""
        vote.save()
        BookTraitMood.objects.bulk_create(
            [BookTraitMood(vote=vote, book=book, mood=mood) for mood in moods]
        )
        BookTraitWarning.objects.bulk_create(
            [
                BookTraitWarning(vote=vote, book=book, warning=warning, severity=severity)
                for warning, severity in named
            ]
        )
    return vote


def tagged_book(book_id: int) -> Book:
    """The book as `set_book_traits` found it (the survivor of a merge)."""
    return get_book(book_id)


def add_content_warning(user, name: str) -> ContentWarning:
    """Add a name to the curated list (staff only); CONFLICT when it exists in any case."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        raise NotAllowed("Only staff add content warnings.", field="name")
    name = clean_text(name, field="name", max_length=80, required=True)
    if ContentWarning.objects.filter(name__iexact=name).exists():
        raise Conflict("This content warning exists already.", field="name")
    try:
        with transaction.atomic():
            return ContentWarning.objects.create(name=name)
    except IntegrityError:
        raise Conflict("This content warning exists already.", field="name") from None


def book_traits(book_ids: list[int]) -> dict[int, Traits]:
    """The community's view of each book, in a fixed number of queries."""
    found = {pk: Traits() for pk in book_ids}
    votes = BookTraitVote.objects.filter(book_id__in=book_ids)
    for book_id, n in votes.values("book_id").annotate(n=Count("id")).values_list("book_id", "n"):
        found[book_id].voters = n
    counts: dict[tuple[int, str, str], int] = {}
    moods = BookTraitMood.objects.filter(book_id__in=book_ids).values("book_id", "mood")
    for book_id, mood, n in moods.annotate(n=Count("id")).values_list("book_id", "mood", "n"):
        counts[(book_id, "moods", mood)] = n
    for column, target in (("pace", "pace"), ("driver", "drivers")):
        rows = votes.exclude(**{column: ""}).values("book_id", column).annotate(n=Count("id"))
        for book_id, value, n in rows.values_list("book_id", column, "n"):
            counts[(book_id, target, value)] = n
    for book_id, traits in found.items():
        for target, values in (
            ("moods", Mood.values),
            ("pace", Pace.values),
            ("drivers", Driver.values),
        ):
            tally = {value: counts.get((book_id, target, value), 0) for value in values}
            shares = [(v, n / traits.voters if traits.voters else 0.0) for v, n in tally.items()]
            shares.sort(key=lambda pair: (-tally[pair[0]], pair[0]))
            setattr(traits, target, shares)
    warnings = (  # by name in the database's order: ties keep it (a stable sort below)
        BookTraitWarning.objects.filter(book_id__in=book_ids)
        .values("book_id", "warning__name", "severity")
        .annotate(n=Count("id"))
        .order_by("warning__name")
        .values_list("book_id", "warning__name", "severity", "n")
    )
    per_name: dict[tuple[int, str], dict[str, int]] = {}
    for book_id, name, severity, n in warnings:
        per_name.setdefault((book_id, name), {})[severity] = n
    for (book_id, name), counts in per_name.items():
        severity = max(counts, key=lambda s: (counts[s], SEVERITY_RANK[s]))
        found[book_id].warnings.append((name, severity, sum(counts.values())))
    for traits in found.values():
        traits.warnings.sort(key=lambda w: -w[2])
    return found


# Readers who tagged the book, as an expression on `Book` rows.
VOTERS = Coalesce(
    Subquery(
        BookTraitVote.objects.filter(book_id=OuterRef("pk"))
        .values("book_id")
        .annotate(n=Count("id"))
        .values("n"),
        output_field=IntegerField(),
    ),
    0,
)
_GRAVITY = Case(
    *(When(severity=s, then=Value(rank)) for s, rank in SEVERITY_RANK.items()),
    output_field=IntegerField(),
)


def reported_warnings(book_id) -> QuerySet[ContentWarning]:
    """The content warnings reported for a book, annotated with `reports` (readers) and
    `top_severity` (the most given, the graver on a tie), most reported first, then by name."""
    reports = BookTraitWarning.objects.filter(book_id=book_id, warning_id=OuterRef("pk"))
    return (
        ContentWarning.objects.filter(Exists(reports))
        .annotate(
            reports=Subquery(
                reports.values("warning_id").annotate(n=Count("id")).values("n"),
                output_field=IntegerField(),
            ),
            top_severity=Subquery(
                reports.values("severity")
                .annotate(n=Count("id"), gravity=_GRAVITY)
                .order_by("-n", "-gravity")
                .values("severity")[:1]
            ),
        )
        .order_by("-reports", "name")
    )


def filter_books_by_traits(
    books: QuerySet[Book],
    *,
    moods: list[str] = (),
    pace: str | None = None,
    exclude_warnings: list[str] = (),
) -> QuerySet[Book]:
    """Books whose community view matches: each mood chosen by at least a third of their
    voters, `pace` the most voted pace (any of them on a tie), and none of the content warnings
    (by name, any case) reported by any reader."""
    # Scalar counts on the book's row (`alias`: for filters only), no GROUP BY in a subquery
    # that looks further out (SQLite cannot resolve such a column).
    if moods:
        books = books.alias(_trait_voters=VOTERS)
    for index, mood in enumerate(moods):
        name = f"_trait_mood_{index}"
        chosen = BookTraitMood.objects.filter(book_id=OuterRef("pk"), mood=mood)
        books = books.alias(**{name: _count(chosen) * MOOD_SHARE_DENOMINATOR}).filter(
            **{f"{name}__gt": 0, f"{name}__gte": F("_trait_voters")}
        )
    if pace is not None:
        paces = BookTraitVote.objects.filter(book_id=OuterRef("pk")).exclude(pace="")
        most = Subquery(
            paces.values("pace").annotate(n=Count("id")).order_by("-n").values("n")[:1],
            output_field=IntegerField(),
        )
        books = books.alias(
            _trait_pace=_count(paces.filter(pace=pace)), _trait_top_pace=most
        ).filter(_trait_pace__gt=0, _trait_pace__gte=F("_trait_top_pace"))
    if exclude_warnings:
        names = [name.strip().lower() for name in exclude_warnings]
        reported = BookTraitWarning.objects.annotate(key=Lower("warning__name")).filter(
            book_id=OuterRef("pk"), key__in=names
        )
        books = books.exclude(Exists(reported))
    return books


def _count(rows: QuerySet):
    """How many of `rows` (a queryset on the book's `OuterRef`), as a scalar subquery."""
    return Coalesce(
        Subquery(
            rows.order_by().values("book_id").annotate(n=Count("id")).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def _locked_vote(user, book) -> BookTraitVote:
    """The reader's vote for the book, created if needed, row-locked (a concurrent first vote
    of the same reader waits here instead of failing on the unique constraint)."""
    BookTraitVote.objects.bulk_create([BookTraitVote(user=user, book=book)], ignore_conflicts=True)
    return BookTraitVote.objects.select_for_update().get(user=user, book=book)


def _warnings(warnings) -> list[tuple[ContentWarning, str]]:
    named: dict[int, tuple[ContentWarning, str]] = {}
    for given in warnings:
        if given.severity not in Severity.values:
            raise Invalid("Unknown severity.", field="contentWarnings")
        warning = ContentWarning.objects.filter(name__iexact=(given.name or "").strip()).first()
        if warning is None:
            raise Invalid(
                f"Unknown content warning {given.name!r}: use one of the curated names.",
                field="contentWarnings",
            )
        named[warning.pk] = (warning, given.severity)
    return list(named.values())


def top_moods(book_ids: list[int], limit: int = 5) -> list[tuple[str, int]]:
    """The moods readers tagged most of `book_ids` with: (mood, books tagged so), most first."""
    return list(
        BookTraitMood.objects.filter(book_id__in=book_ids)
        .values("mood")
        .annotate(n=Count("book_id", distinct=True))
        .order_by("-n", "mood")
        .values_list("mood", "n")[:limit]
    )
