"""Building search documents from the domain models, a batch of ids at a time.

Each builder returns unsaved `SearchDocument`s for the ids that should be findable; an id with
no document (deleted, or an inactive reader) is removed from the index by the caller.
"""

import math
from collections import defaultdict

from django.db.models import Count, Sum

from apps.accounts.models import Profile, User
from apps.catalog.models import Author as AuthorModel
from apps.catalog.models import AuthorRole, Book, BookAuthor, Edition
from apps.core.models import ModerationStatus, Privacy
from apps.impressions.models import Quote
from apps.reading.models import ReadingList
from apps.search.models import Kind, SearchDocument
from apps.search.text import fold

BODY_LIMIT = 4000


def _popularity(count: int | None) -> float:
    return math.log1p(max(count or 0, 0))


def _series_label(book: Book) -> str:
    """ "The Hunger Games, #3": the series with the book's place, so "hunger games 3" finds it."""
    if not book.series_id:
        return ""
    position = book.series_position
    if position is None:
        return book.series.name
    number = format(position.normalize(), "f")
    return f"{book.series.name}, #{number}"


def book_documents(ids) -> list[SearchDocument]:
    books = Book.objects.filter(pk__in=ids).select_related("series")
    bylines: dict[int, list[str]] = defaultdict(list)
    contributions = (
        BookAuthor.objects.filter(book_id__in=ids)
        .select_related("author")
        .order_by("book_id", "position", "id")
    )
    for row in contributions:
        # Translators and narrators count too, after the authors (ordered by role then place).
        if row.role == AuthorRole.AUTHOR or row.author.name not in bylines[row.book_id]:
            bylines[row.book_id].append(row.author.name)
    # Other titles a reader may know the book by: the original-language title and the titles
    # its editions carry (translations), once each, in one query for the batch.
    other_titles: dict[int, list[str]] = defaultdict(list)
    for book_id, title in (
        Edition.objects.filter(book_id__in=ids).order_by("book_id", "id")
    ).values_list("book_id", "title"):
        other_titles[book_id].append(title)
    docs = []
    for book in books:
        authors = ", ".join(dict.fromkeys(bylines[book.pk]))
        series = _series_label(book)
        people = " · ".join(part for part in (authors, series) if part)
        titles = [t for t in (book.original_title, *other_titles[book.pk]) if t]
        seen = {fold(book.title)}
        known_as = []
        for title in titles:
            if fold(title) not in seen:
                seen.add(fold(title))
                known_as.append(title)
        subtitle = " · ".join(part for part in (book.subtitle, *known_as) if part)
        docs.append(
            SearchDocument(
                kind=Kind.BOOK,
                object_id=book.pk,
                title=book.title,
                people=people,
                subtitle=subtitle,
                body=book.description[:BODY_LIMIT],
                match_text=fold(f"{book.title} {series} {authors} {' '.join(known_as)}")[:1000],
                popularity=_popularity(book.ratings_count + book.source_ratings_count),
                language=book.language,
                year=book.original_publication_year or book.publication_year,
                rating=float(book.average_rating),
                isbns=" ".join(i for i in (book.isbn13, book.isbn10) if i),
            )
        )
    return docs


def author_documents(ids) -> list[SearchDocument]:
    authors = AuthorModel.objects.filter(pk__in=ids).annotate(
        readers=Sum("books__ratings_count"), source_readers=Sum("books__source_ratings_count")
    )
    return [
        SearchDocument(
            kind=Kind.AUTHOR,
            object_id=author.pk,
            title=author.name,
            people=author.sort_name,
            body=author.bio[:BODY_LIMIT],
            match_text=fold(author.name),
            popularity=_popularity((author.readers or 0) + (author.source_readers or 0)),
        )
        for author in authors
    ]


def _privacy(item) -> str:
    """A hidden item (moderation) is found by its owner only, as a private one."""
    if item.moderation_status != ModerationStatus.VISIBLE:
        return Privacy.PRIVATE
    return item.privacy


def user_documents(ids) -> list[SearchDocument]:
    users = User.objects.filter(pk__in=ids, is_active=True).annotate(
        followers=Count("follower_set", distinct=True)
    )
    profiles = {p.user_id: p for p in Profile.objects.filter(user_id__in=ids)}
    docs = []
    for user in users:
        profile = profiles.get(user.pk)
        display = profile.display_name if profile else ""
        docs.append(
            SearchDocument(
                kind=Kind.USER,
                object_id=user.pk,
                title=display or user.username,
                people=user.username,
                body=(profile.bio if profile else "")[:BODY_LIMIT],
                match_text=fold(f"{display} {user.username}"),
                popularity=_popularity(user.followers),
                owner_id=user.pk,
                privacy=_privacy(profile) if profile else Privacy.PUBLIC,
            )
        )
    return docs


def list_documents(ids) -> list[SearchDocument]:
    lists = (
        ReadingList.objects.filter(pk__in=ids).select_related("owner").annotate(size=Count("items"))
    )
    return [
        SearchDocument(
            kind=Kind.LIST,
            object_id=reading_list.pk,
            title=reading_list.name,
            people=reading_list.owner.username,
            body=reading_list.description[:BODY_LIMIT],
            match_text=fold(reading_list.name),
            popularity=_popularity(reading_list.size),
            owner_id=reading_list.owner_id,
            privacy=_privacy(reading_list),
        )
        for reading_list in lists
    ]


def quote_documents(ids) -> list[SearchDocument]:
    """A quote is found by its words (and the book's title); it is as private as the stricter
    of its own privacy (private when moderators hid it) and its reader's profile privacy."""
    quotes = Quote.objects.filter(pk__in=ids, user__is_active=True).select_related("book")
    profiles = dict(
        Profile.objects.filter(user__quotes__pk__in=ids).values_list("user_id", "privacy")
    )
    openness = [Privacy.PUBLIC, Privacy.FOLLOWERS, Privacy.PRIVATE]
    return [
        SearchDocument(
            kind=Kind.QUOTE,
            object_id=quote.pk,
            title=quote.text[:BODY_LIMIT],
            people=quote.book.title,
            match_text=fold(quote.text)[:1000],
            popularity=_popularity(quote.likes_count),
            owner_id=quote.user_id,
            privacy=max(
                Privacy(_privacy(quote)),
                Privacy(profiles.get(quote.user_id, Privacy.PUBLIC)),
                key=openness.index,
            ),
        )
        for quote in quotes
    ]


BUILDERS = {
    Kind.BOOK: book_documents,
    Kind.AUTHOR: author_documents,
    Kind.USER: user_documents,
    Kind.LIST: list_documents,
    Kind.QUOTE: quote_documents,
}

ALL_IDS = {
    Kind.BOOK: lambda: Book.objects.values_list("pk", flat=True),
    Kind.AUTHOR: lambda: AuthorModel.objects.values_list("pk", flat=True),
    Kind.USER: lambda: User.objects.values_list("pk", flat=True),
    Kind.LIST: lambda: ReadingList.objects.values_list("pk", flat=True),
    Kind.QUOTE: lambda: Quote.objects.values_list("pk", flat=True),
}
