"""Benchmark: SQL queries per request of the five heaviest client screens at 10, 50 and 100 items.

The screens are the GraphQL documents a client sends (the same shapes as the query-count tests):
the book page (a book and its reviews, with each reviewer's profile), a reader's profile (the
reader, their followers and their shelves), the feed, search results (database engine) and a
reading list. Each runs through Django's test client, as a logged-in reader, on a fresh PostgreSQL
database (DATABASE_URL's server, default the local one; dropped at the end) seeded with
tests/factories.py so that every screen has more than 100 items. Queries are counted with
Django's `CaptureQueriesContext` (every query of the request, middleware included).

Goal: the same count at every page size, for each screen; non-zero exit otherwise.
`python -m bench screens`.
"""

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = (10, 50, 100)
ITEMS = 105  # a little more than the largest page: `hasNextPage` stays true

BOOK_PAGE = """query BookPage($id: ID!, $first: Int!) {
  book(id: $id) {
    title
    authors { name }
    genres { name }
    ratingSummary { average count histogram { value count } }
    viewerRating { value }
    viewerStatus
    reviews(first: $first) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node {
        title body spoiler createdAt canEdit
        user { username displayName profile { bio } isFollowedByViewer }
      } }
    }
  }
}"""

PROFILE_PAGE = """query Profile($username: String!, $first: Int!) {
  user(username: $username) {
    username displayName isViewer isFollowedByViewer followsViewer followersCount followingCount
    profile { bio location website interests { text genre { name } } socialLinks { platform url } }
  }
  followers(username: $username, first: $first) {
    totalCount
    edges { node { username displayName profile { bio } isFollowedByViewer followersCount } }
  }
  userBooks(username: $username, first: $first) {
    totalCount
    edges { node {
      status startedAt progressPercent
      book { title authors { name } viewerRating { value } }
    } }
  }
}"""

FEED = """query Feed($first: Int!, $after: String) {
  feed(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      verb data createdAt
      actor { username displayName }
      book { title authors { name } }
      target {
        __typename
        ... on Book { title }
        ... on Review { body }
        ... on ReadingList { name }
        ... on User { username }
      }
    } }
  }
}"""

SEARCH_RESULTS = """query Search($query: String!, $first: Int!) {
  search(query: $query, types: [BOOK], first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor score
      highlights { field snippet }
      node { __typename ... on Book { id title averageRating authors { name } } }
    }
  }
}"""

READING_LIST = """query ReadingList($id: ID!, $first: Int!) {
  readingList(id: $id) {
    name description itemsCount canEdit
    owner { username displayName }
    items(first: $first) {
      pageInfo { hasNextPage endCursor }
      edges { node { position note book { title authors { name } viewerRating { value } } } }
    }
  }
}"""


def seed() -> dict:
    """A world with more than 100 items on each screen; the variables of each screen."""
    from django.contrib.contenttypes.models import ContentType
    from strawberry.relay import to_base64

    from apps.core.models import Privacy
    from apps.reading.models import ReadingStatus
    from apps.search.indexing import rebuild
    from apps.social.models import Activity, Verb
    from tests import factories as f

    viewer = f.make_user("viewer")
    f.make_profile(viewer, display_name="The Viewer")
    genres = [f.make_genre() for _ in range(3)]
    books = [
        f.make_book(f"Saga volume {n}", authors=[f.make_author(), f.make_author()], genres=genres)
        for n in range(ITEMS)
    ]
    readers = [f.make_user() for _ in range(ITEMS)]
    privacies = [Privacy.PUBLIC, Privacy.FOLLOWERS, Privacy.PRIVATE]
    for n, reader in enumerate(readers):
        f.make_profile(reader, display_name=f"Reader {n}", bio=f"Bio {n}", privacy=privacies[n % 3])
        if n % 2:
            f.make_follow(viewer, reader)
        f.make_review(reader, books[0], title=f"Review {n}")
        f.make_rating(reader, books[0])
        f.make_follow(reader, viewer)  # the viewer's profile has > 100 followers
    for n, book in enumerate(books):
        f.make_user_book(viewer, book, status=ReadingStatus.READING, progress_percent=n % 100)
        if n % 3 == 0:
            f.make_rating(viewer, book)
    profile = f.make_profile(viewer, bio="Reads a lot", location="Lyon")
    f.make_profile_interest(profile, genre=genres[0])
    f.make_profile_interest(profile, text="sagas")
    f.make_social_link(profile)
    # The feed: the viewer follows five readers who shelved, reviewed and listed books.
    actors = [readers[i] for i in (1, 3, 7, 9, 13)]  # profiles the viewer may see
    reading_list = f.make_reading_list(viewer, name="Sagas")
    book_type = ContentType.objects.get_for_model(books[0])
    activities = []
    for n, book in enumerate(books):
        actor = actors[n % len(actors)]
        if n % 3 == 1:
            target, verb = f.make_review(actor, book), Verb.REVIEWED
        elif n % 3 == 2:
            target, verb = f.make_reading_list(actor), Verb.LISTED
        else:
            target, verb = book, Verb.SHELVED
        activities.append(
            Activity(
                actor=actor,
                verb=verb,
                book=book,
                target_type=ContentType.objects.get_for_model(target)
                if target is not book
                else book_type,
                target_id=target.pk,
                data={"n": n},
            )
        )
        f.make_reading_list_item(reading_list, book, note=f"note {n}")
    Activity.objects.bulk_create(activities)
    rebuild()  # the search documents of the books above
    return {
        "book page": (BOOK_PAGE, {"id": to_base64("Book", books[0].pk)}),
        "profile": (PROFILE_PAGE, {"username": viewer.username}),
        "feed": (FEED, {}),
        "search results": (SEARCH_RESULTS, {"query": "saga volume"}),
        "reading list": (READING_LIST, {"id": to_base64("ReadingList", reading_list.pk)}),
    }, viewer


def edges_in(data) -> list[int]:
    """How many edges each connection of a result has (to check the page was full)."""
    found = []
    if isinstance(data, dict):
        if isinstance(data.get("edges"), list):
            found.append(len(data["edges"]))
        for value in data.values():
            found += edges_in(value)
    elif isinstance(data, list):
        for value in data:
            found += edges_in(value)
    return found


@contextmanager
def counting_queries() -> Iterator[list[str]]:
    """Every SQL statement run meanwhile, on any connection and thread (the async view's
    queries run in other threads and contexts than the caller's, so Django's
    `CaptureQueriesContext` on the caller's connection can miss them)."""
    from django.db.backends.utils import CursorWrapper

    seen: list[str] = []
    original = CursorWrapper._execute_with_wrappers

    def counted(self, sql, params, many, executor):
        seen.append(sql)
        return original(self, sql, params, many, executor)

    CursorWrapper._execute_with_wrappers = counted
    try:
        yield seen
    finally:
        CursorWrapper._execute_with_wrappers = original


def count_queries(client, token: str, query: str, variables: dict) -> tuple[int, list[int]]:
    with counting_queries() as queries:
        response = client.post(
            "/graphql",
            {"query": query, "variables": variables},
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise AssertionError(f"{response.status_code}: {json.dumps(body)[:2000]}")
    return len(queries), edges_in(body["data"])


def main() -> int:
    """Seeds, counts every screen at every size; non-zero when a count depends on the size."""
    from bench.results import record
    from bench.support import scratch_database, server_url

    if server_url() is None:
        print("this benchmark needs PostgreSQL (DATABASE_URL)", file=sys.stderr)
        return 1
    sys.path.insert(0, str(ROOT))
    with scratch_database("booknest_bench_screens") as database_url:
        os.environ.update(
            DATABASE_URL=database_url,
            DJANGO_SETTINGS_MODULE="booknest.settings",
            DJANGO_ALLOWED_HOSTS="testserver",
            RATE_LIMIT_ENABLED="false",
            LOG_LEVEL="WARNING",
            OPENSEARCH_URL="",  # the database search engine
        )
        os.environ.setdefault("DJANGO_DEBUG", "true")
        os.environ.setdefault("DJANGO_SECRET_KEY", "bench-screens-only-not-a-secret-key")
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connections
        from django.test import Client

        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        call_command("migrate", verbosity=0)
        from apps.accounts.tokens import create_access_token

        screens, viewer = seed()
        token, _ = create_access_token(viewer)
        client = Client()
        queries: dict[str, dict[str, int]] = {}
        problems = []
        for name, (query, variables) in screens.items():
            count_queries(client, token, query, {**variables, "first": 5})  # warm caches
            queries[name] = {}
            for size in SIZES:
                n, edges = count_queries(client, token, query, {**variables, "first": size})
                queries[name][str(size)] = n
                if max(edges, default=0) < size:
                    problems.append(f"{name}: a page of {size} showed only {edges} items")
            print(f"{name:15} {queries[name]}", flush=True)
        connections.close_all()
    equal = {name: len(set(counts.values())) == 1 for name, counts in queries.items()}
    problems += [f"{name}: {queries[name]} queries" for name, same in equal.items() if not same]
    figures = {"queries": queries, "equal": equal, "sizes": list(SIZES), "problems": problems}
    print(json.dumps(record("screens", figures), indent=2))
    if problems:
        print("FAILED: " + "; ".join(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
