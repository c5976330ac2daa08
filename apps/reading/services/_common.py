"""Helpers shared by the reading services: finding the book, today's date, activity privacy."""

from datetime import date

from django.utils import timezone

from apps.accounts.models import Profile
from apps.catalog.models import Book, BookRedirect
from apps.core.errors import Invalid, NotFound
from apps.core.models import Privacy

# From the most open to the most closed: an activity is never more open than its sources.
_OPENNESS = [Privacy.PUBLIC, Privacy.FOLLOWERS, Privacy.PRIVATE]


def today() -> date:
    """The current date in the site's time zone (what "today" means for reading dates)."""
    return timezone.localdate()


def get_book(book_id: int, *, field: str = "book_id", lock: bool = False) -> Book:
    """The book, or NOT_FOUND on `field`; `lock` takes its row lock (inside a transaction).

    The id of a book merged into another names the survivor, so clients holding old ids
    shelve, rate and list the book that now stands for it.
    """
    books = Book.objects.select_for_update() if lock else Book.objects.all()
    book = books.filter(pk=book_id).first()
    if book is None:
        survivor = BookRedirect.objects.filter(old_id=book_id).values_list("book_id", flat=True)
        book = books.filter(pk__in=survivor[:1]).first()
    if book is None:
        raise NotFound("No book with this id.", field=field)
    return book


def check_privacy(value, *, field: str = "privacy") -> str:
    """A valid privacy value, or INVALID on `field`."""
    if value not in Privacy.values:
        raise Invalid(f"Privacy must be one of {', '.join(Privacy.values)}.", field=field)
    return Privacy(value)


def profile_privacy(user) -> str:
    """Who may see the reader's shelves and activity; a reader with no profile row yet has the
    default profile privacy (public)."""
    privacy = Profile.objects.filter(user_id=user.pk).values_list("privacy", flat=True).first()
    return privacy or Privacy.PUBLIC


def activity_privacy(user, source_privacy: str = Privacy.PUBLIC) -> str:
    """The privacy of an activity: its source's, but never more open than the reader's profile
    (a followers-only reader's public review still shows in feeds to followers only)."""
    profile = profile_privacy(user)
    return max(Privacy(profile), Privacy(source_privacy), key=_OPENNESS.index)
