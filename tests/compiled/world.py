"""A small world with every privacy on both sides, and the documents the compiled path is
checked with: the bench's five screens and documents of other shapes (aliases, fragments,
unions, variables, nested connections, paging)."""

from decimal import Decimal
from types import SimpleNamespace

from strawberry.relay import to_base64

from apps.core.models import Privacy
from apps.impressions.models import (
    BookTraitMood,
    BookTraitVote,
    BookTraitWarning,
    ContentWarning,
    Quote,
)
from apps.reading.models import JournalEntry, ReadingList, ReadingStatus, UpNextItem, UserBook
from apps.social.models import Verb
from bench.screens import BOOK_PAGE, FEED, PROFILE_PAGE, READING_LIST
from tests import factories as f

BOOKS_PAGE = """query Books($first: Int, $after: String, $order: BookOrder, $filter: BookFilter) {
  books(first: $first, after: $after, order: $order, filter: $filter) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node {
      id title subtitle averageRating ratingsCount publicationYear seriesPosition format
      canEdit createdAt
      series { id name }
      contributors { role position author { name sortName } }
      genres { slug }
      ratingSummary { average count histogram { value count } }
      viewerRating { value createdAt }
      viewerStatus
      viewerShelf { status startedAt progressPercent }
    } }
  }
}"""

SHAPES = """query Shapes($id: ID!, $u: String!, $n: Int = 2) {
  first: book(id: $id) { ...Head reviews(first: $n) { ...Page } }
  again: book(id: $id) { t: title canEdit }
  me { username isViewer email: username }
  user(username: $u) {
    __typename id username displayName isViewer isFollowedByViewer followsViewer
    followersCount followingCount
    profile { __typename displayName bio privacy interests { text genre { name } } }
    followers(first: $n) { totalCount edges { node { username } } }
    following(first: 1) { pageInfo { hasNextPage } edges { cursor } }
  }
  reviews(username: $u, first: 5) { totalCount edges { node { title privacy user { username } } } }
  bookReviews: reviews(bookId: $id, first: 5) { totalCount edges { node { title } } }
  userBooks(username: $u, first: 3, status: READ) { totalCount edges { node { status book { title } } } }
  readingLists(owner: $u) { totalCount edges { node { name privacy itemsCount canEdit } } }
  userActivity(username: $u, first: 10) {
    edges { node { verb target { __typename ... on Review { title } ... on Book { title } } } }
  }
  skipped: genres @skip(if: true) { name }
  included: genres @include(if: true) { name slug }
}

fragment Head on Book {
  title
  authors { name }
  ... on Book { viewerStatus }
}

fragment Page on ReviewCursorConnection {
  totalCount
  pageInfo { hasNextPage endCursor }
  edges { node { title spoiler canEdit user { username displayName } } }
}"""


READING_LIFE = """query ReadingLife($id: ID!, $u: String!, $first: Int = 5) {
  book(id: $id) {
    title
    traits {
      voters moods { mood share } pace { value share } plotOrCharacter { value share }
      contentWarnings { name severity count }
    }
    newest: quotes(first: $first) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { cursor node { id text page spoiler privacy canEdit user { username } } }
    }
  }
  user(username: $u) {
    username
    upNext { position addedAt book { title } }
    quotes(first: $first) { totalCount edges { node { text book { title } } } }
  }
  userBooks(username: $u, first: 3) { edges { node {
    book { title }
    journal(first: $first) {
      totalCount pageInfo { hasNextPage }
      edges { node { id page percent note spoiler privacy canEdit user { username } book { title } } }
    }
  } } }
}"""


# A connection's arguments other than paging keep it on the resolver path (the planner's
# rule): `order` is checked for equal answers, not for one statement.
POPULAR_QUOTES = """query PopularQuotes($id: ID!) {
  book(id: $id) { quotes(first: 5, order: POPULAR) { edges { node { text likes: spoiler } } } }
}"""


def build() -> SimpleNamespace:
    """Readers with public, followers-only and private profiles; reviews, lists and activity
    of each privacy; `fan` follows everyone, `stranger` nobody."""
    genre = f.make_genre("Fantasy")
    series = f.make_series("Saga")
    books = [
        f.make_book(
            f"Book {n}",
            authors=[f.make_author(f"Author {n}")],
            genres=[genre],
            series=series if n < 3 else None,
            series_position=n + 1 if n < 3 else None,
        )
        for n in range(6)
    ]
    people = {}
    for name, privacy in (("pub", "public"), ("fol", "followers"), ("pri", "private")):
        user = f.make_user(name)
        profile = f.make_profile(
            user, display_name=name.upper(), bio=f"I am {name}", privacy=privacy
        )
        f.make_profile_interest(profile, genre=genre)
        f.make_profile_interest(profile, text="sagas")
        people[name] = user
    fan, stranger = f.make_user("fan"), f.make_user("stranger")
    staff = f.make_superuser("staff")
    owners = list(people.values())
    for user in owners:
        f.make_follow(fan, user)
        for n, privacy in enumerate((Privacy.PUBLIC, Privacy.FOLLOWERS, Privacy.PRIVATE)):
            review = f.make_review(
                user, books[n], title=f"{user.username} {privacy}", privacy=privacy
            )
            f.make_activity(user, review, verb=Verb.REVIEWED, book=books[n], privacy=privacy)
            f.make_rating(user, books[n], value=Decimal(n + 2) / 2)
            f.make_user_book(user, books[n + 1], status=ReadingStatus.READ)
            reading_list = f.make_reading_list(
                user, name=f"{user.username} {privacy}", privacy=privacy
            )
            f.make_reading_list_item(reading_list, books[n], note="good")
        f.make_activity(user, books[4], privacy=Privacy.PUBLIC)
        _reading_life(user, books)
    f.make_follow(people["pub"], fan)
    return SimpleNamespace(
        genre=genre,
        books=books,
        people=people,
        viewers={"anonymous": None, "fan": fan, "stranger": stranger, "staff": staff, **people},
        lists={rl.name: rl for rl in ReadingList.objects.filter(owner__in=owners)},
    )


def _reading_life(user, books) -> None:
    """Journal entries and quotes of each privacy, tags of how books feel, a queue."""
    violence = ContentWarning.objects.get(name="Violence")
    for n, privacy in enumerate((Privacy.PUBLIC, Privacy.FOLLOWERS, Privacy.PRIVATE)):
        shelf = UserBook.objects.get(user=user, book=books[n + 1])
        JournalEntry.objects.create(
            user=user, user_book=shelf, page=10 * (n + 1), note=f"{privacy} note", privacy=privacy
        )
        JournalEntry.objects.create(user=user, user_book=shelf, percent=Decimal("12.5"))
        Quote.objects.create(
            user=user,
            book=books[0],
            text=f"{user.username} {privacy} quote",
            privacy=privacy,
            spoiler=n == 1,
            likes_count=n,
        )
        UpNextItem.objects.create(user=user, book=books[3 + n], position=n)
    vote = BookTraitVote.objects.create(user=user, book=books[0], pace="slow", driver="plot")
    BookTraitMood.objects.create(vote=vote, book=books[0], mood="dark")
    BookTraitWarning.objects.create(vote=vote, book=books[0], warning=violence, severity="minor")


def documents(world) -> dict[str, tuple[str, dict]]:
    book = to_base64("Book", world.books[0].pk)
    reading_list = to_base64("ReadingList", world.lists["fol followers"].pk)
    return {
        "book page": (BOOK_PAGE, {"id": book, "first": 20}),
        "profile": (PROFILE_PAGE, {"username": "fol", "first": 10}),
        "feed": (FEED, {"first": 20}),
        "reading list": (READING_LIST, {"id": reading_list, "first": 10}),
        "books page": (BOOKS_PAGE, {"first": 4}),
        "books by rating": (
            BOOKS_PAGE,
            {"first": 2, "order": {"field": "AVERAGE_RATING", "direction": "DESC"}},
        ),
        "shapes": (SHAPES, {"id": book, "u": "fol"}),
        "shapes, private reader": (SHAPES, {"id": book, "u": "pri", "n": 1}),
        "reading life": (READING_LIFE, {"id": book, "u": "fol"}),
        "reading life, public reader": (READING_LIFE, {"id": book, "u": "pub", "first": 2}),
        "popular quotes": (POPULAR_QUOTES, {"id": book}),
    }
