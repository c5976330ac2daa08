"""A small world with every privacy on both sides, and the documents the compiled path is
checked with: the bench's five screens and documents of other shapes (aliases, fragments,
unions, variables, nested connections, paging)."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from strawberry.relay import to_base64

from apps.catalog.editions import create_edition, update_edition
from apps.conversation.models import Comment, Like
from apps.core.models import Privacy
from apps.impressions.models import (
    BookTraitMood,
    BookTraitVote,
    BookTraitWarning,
    ContentWarning,
    Quote,
)
from apps.impressions.quotes import count_like
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

EDITION_FIELDS = """id isDefault isbn10 isbn13 format title subtitle language publisher
  publicationYear publishedDate pages durationMinutes openlibraryId createdAt"""

BOOK_PAGE_WITH_EDITIONS = f"""query BookEditions($id: ID!, $first: Int!) {{
  book(id: $id) {{
    title originalTitle isbn13 pages format
    authors {{ name }}
    ratingSummary {{ average count }}
    viewerStatus
    viewerShelf {{ status progressPages pages edition {{ id title pages }} }}
    defaultEdition {{ {EDITION_FIELDS} book {{ id title }} }}
    editions(first: 10) {{
      totalCount
      pageInfo {{ hasNextPage endCursor }}
      edges {{ cursor node {{ {EDITION_FIELDS} }} }}
    }}
    reviews(first: $first) {{ totalCount edges {{ node {{ title user {{ username }} }} }} }}
  }}
}}"""

EDITIONS_FILTERED = f"""query Editions($id: ID!, $isbn: String!, $filter: EditionFilter) {{
  book(id: $id) {{
    audio: editions(first: 2, filter: {{ format: AUDIOBOOK }}) {{
      totalCount edges {{ node {{ title durationMinutes }} }}
    }}
    chosen: editions(first: 1, filter: $filter) {{
      totalCount pageInfo {{ hasNextPage }} edges {{ node {{ {EDITION_FIELDS} }} }}
    }}
  }}
  edition(isbn: $isbn) {{ {EDITION_FIELDS} book {{ title defaultEdition {{ isbn13 }} }} }}
  byIsbn: book(isbn: $isbn) {{ title }}
}}"""

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


IMAGES = """query Images($size: ImageSize!) {
  books(first: 3) { edges { node {
    title coverUrl small: coverUrl(size: SMALL) asked: coverUrl(size: $size)
    authors { name photoUrl(size: LARGE) }
    reviews(first: 5) { edges { node { title user { username avatarUrl(size: $size) } } } }
  } } }
  user(username: "pub") { avatarUrl medium: avatarUrl(size: MEDIUM) }
}"""


SAFETY = """query Safety($id: ID!, $u: String!) {
  me {
    blockedUsers(first: 5) { totalCount edges { node { username } } }
    mutedUsers(first: 5) { totalCount edges { node { username } } }
    reports(first: 5) { totalCount edges { node { status reason action createdAt } } }
  }
  user(username: $u) {
    username
    profile { bio moderationStatus }
    followers(first: 5) { totalCount edges { node { username } } }
  }
  reviews(username: $u, first: 5) { totalCount edges { node { title moderationStatus } } }
  bookReviews: reviews(bookId: $id, first: 20) { totalCount edges { node { title user { username } } } }
  readingLists(owner: $u) { totalCount edges { node { name moderationStatus } } }
  userActivity(username: $u, first: 10) { totalCount edges { node { verb actor { username } } } }
  followers(username: "fan") { totalCount edges { node { username } } }
}"""

CONNECTIONS_WITHOUT_ARGUMENTS = """query Bare {
  me { blockedUsers { totalCount } mutedUsers { totalCount edges { node { username } } } }
  user(username: "pub") { followers { totalCount } }
}"""

MODERATION_QUEUE = """query Queue {
  reports(first: 5, status: OPEN) { totalCount edges { node { reason status reporter { username } } } }
  moderationLog(first: 5) { totalCount }
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
      edges { cursor node {
        id text page spoiler privacy canEdit likeCount viewerHasLiked moderationStatus
        user { username }
      } }
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
    # The first book is a work with several editions; some readers say which they read.
    staff_editions = [
        create_edition(staff, books[0].pk, **fields)
        for fields in (
            {"title": "Libro 0", "language": "es", "isbn13": "9788427202122", "pages": 500},
            {
                "format": "audiobook",
                "duration_minutes": 600,
                "isbn13": "9783423715690",
                "published_date": date(2020, 5, 1),
            },
        )
    ]
    update_edition(staff, books[0].editions.get(is_default=True).pk, pages=320, language="en")
    f.make_user_book(fan, books[0], status=ReadingStatus.READING, edition=staff_editions[0])
    f.make_user_book(people["pri"], books[0], edition=staff_editions[1])
    # Images: a stored cover (its sizes derived from the key), an external one, an avatar.
    books[0].cover.name = "covers/1/0123456789abcdef-large.webp"
    books[0].save(update_fields=["cover"])
    books[1].cover.name = "https://covers.example.org/b/1-L.jpg"
    books[1].save(update_fields=["cover"])
    people["pub"].profile.avatar.name = "avatars/1/fedcba9876543210-large.webp"
    people["pub"].profile.save(update_fields=["avatar"])
    safety = _safety(books, people, fan)
    talk(people, fan, stranger)
    return SimpleNamespace(
        genre=genre,
        books=books,
        people=people,
        viewers={
            "anonymous": None,
            "fan": fan,
            "stranger": stranger,
            "staff": staff,
            **people,
            "blk": safety.blk,
        },
        lists={rl.name: rl for rl in ReadingList.objects.filter(owner__in=owners)},
    )


def _safety(books, people, fan) -> SimpleNamespace:
    """A block (`pub` blocked `blk`), a mute (`blk` muted `fol`), a review and a list hidden by
    moderators (`fol`'s), a suspended reader (`sus`) and an open report (by `fan`)."""
    from django.utils import timezone

    from apps.core.models import ModerationStatus
    from apps.moderation.models import Report
    from apps.social.models import Block, Mute

    blk = f.make_user("blk")
    f.make_profile(blk, display_name="BLK", bio="I am blk")
    review = f.make_review(blk, books[0], title="blk public")
    f.make_activity(blk, review, verb=Verb.REVIEWED, book=books[0])
    f.make_reading_list(blk, name="blk public")
    f.make_follow(blk, fan)
    f.make_follow(blk, people["fol"])
    Block.objects.create(blocker=people["pub"], blocked=blk)
    Mute.objects.create(muter=blk, muted=people["fol"])
    f.make_follow(fan, blk)
    fol = people["fol"]
    hidden = ModerationStatus.HIDDEN
    f.make_review(fol, books[3], title="fol hidden", moderation_status=hidden)
    f.make_reading_list(fol, name="fol hidden", moderation_status=hidden)
    sus = f.make_user("sus", suspended_at=timezone.now())
    f.make_profile(sus, bio="I am sus")
    sus_review = f.make_review(sus, books[0], title="sus public")
    f.make_activity(sus, sus_review, verb=Verb.REVIEWED, book=books[0])
    f.make_reading_list(sus, name="sus public")
    f.make_follow(fan, sus)
    f.make_follow(sus, fan)
    # Quotes of the first book: one hidden by moderators, one of each of blk and sus.
    Quote.objects.create(user=fol, book=books[0], text="fol hidden quote", moderation_status=hidden)
    Quote.objects.create(user=blk, book=books[0], text="blk public quote")
    Quote.objects.create(user=sus, book=books[0], text="sus public quote")
    Report.objects.create(
        reporter=fan,
        subject_type=ContentType.objects.get_for_model(sus_review),
        subject_id=sus_review.pk,
        subject_owner=sus,
        reason="spam",
    )
    return SimpleNamespace(blk=blk, sus=sus)


CONVERSATION = """query Conversation($id: ID!, $u: String!, $first: Int!) {
  book(id: $id) { title reviews(first: $first) { edges { node {
    title likeCount viewerHasLiked commentCount
    likes(first: 2) { totalCount pageInfo { hasNextPage } edges { cursor node { user { username } } } }
    comments(first: 3) { totalCount pageInfo { hasNextPage endCursor } edges { node {
      id body isEdited editedAt canEdit likeCount viewerHasLiked author { username }
      replyTo { id } review { title }
      replies(first: 2) { totalCount edges { node { body author { username } replyTo { body } } } }
    } } }
  } } } }
  reviews(username: $u, first: 5) { edges { node { title commentCount comments(first: 2) {
    edges { node { body } } } } } }
  readingLists(owner: $u) { edges { node { name likeCount viewerHasLiked commentCount
    comments(first: 2) { totalCount edges { node { body readingList { name } } } } } } }
  userActivity(username: $u, first: 10) { edges { node { verb likeCount viewerHasLiked
    likes(first: 5) { edges { node { user { username } } } } } } }
}"""


def talk(people: dict, fan, stranger) -> None:
    """Comments, replies and likes on everyone's things, by readers of every privacy; `stranger`
    and `pub` have a block between them (so each one's comments and likes are absent for the
    other)."""
    from apps.reading.models import Review
    from apps.social.models import Activity, Block

    talkers = [fan, stranger, *people.values()]
    for review in Review.objects.filter(user__in=people.values()):
        for n, author in enumerate(talkers):
            if n % 2 == review.pk % 2:
                continue
            top = Comment.objects.create(author=author, review=review, body=f"{author} on {review}")
            Comment.objects.create(author=review.user, review=review, reply_to=top, body="thanks")
            Like.objects.create(user=author, review=review)
            Like.objects.create(user=review.user, comment=top)
    for reading_list in ReadingList.objects.filter(owner__in=people.values()):
        Comment.objects.create(author=fan, reading_list=reading_list, body=f"fan on {reading_list}")
        Like.objects.create(user=stranger, reading_list=reading_list)
    for activity in Activity.objects.filter(actor__in=people.values()):
        Like.objects.create(user=fan, activity=activity)
        Like.objects.create(user=people["pri"], activity=activity)
    # Quotes liked by a few readers each (their `likes_count` kept as `like` keeps it).
    for quote in Quote.objects.all():
        for liker in talkers[: quote.pk % len(talkers)]:
            if liker != quote.user:
                Like.objects.create(user=liker, quote=quote)
                count_like(quote.pk, +1)
    Comment.objects.filter(author=fan).update(edited_at=Comment.objects.first().created_at)
    Block.objects.create(blocker=people["pub"], blocked=stranger)


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
        "book page with editions": (BOOK_PAGE_WITH_EDITIONS, {"id": book, "first": 5}),
        "editions filtered": (
            EDITIONS_FILTERED,
            {"id": book, "isbn": "978-84-272-0212-2", "filter": {"language": "ES"}},
        ),
        "shapes": (SHAPES, {"id": book, "u": "fol"}),
        "shapes, private reader": (SHAPES, {"id": book, "u": "pri", "n": 1}),
        "images": (IMAGES, {"size": "SMALL"}),
        "safety, blocker": (SAFETY, {"id": book, "u": "pub"}),
        "safety, blocked": (SAFETY, {"id": book, "u": "blk"}),
        "safety, hidden content": (SAFETY, {"id": book, "u": "fol"}),
        "safety, suspended reader": (SAFETY, {"id": book, "u": "sus"}),
        "moderation queue": (MODERATION_QUEUE, {}),
        "connections without arguments": (CONNECTIONS_WITHOUT_ARGUMENTS, {}),
        "conversation": (CONVERSATION, {"id": book, "u": "fol", "first": 20}),
        "conversation, public reader": (CONVERSATION, {"id": book, "u": "pub", "first": 2}),
        "reading life": (READING_LIFE, {"id": book, "u": "fol"}),
        "reading life, public reader": (READING_LIFE, {"id": book, "u": "pub", "first": 2}),
        "popular quotes": (POPULAR_QUOTES, {"id": book}),
    }
