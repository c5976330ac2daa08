"""SQL fragments both database engines share: who may see a document, and the book filters.

Fragments use the `%s` placeholder style of Django's cursors (on every backend) and return
their parameters alongside.
"""

from django.utils import timezone

from apps.accounts.models import User
from apps.catalog.models import Book, Genre
from apps.core.models import Privacy
from apps.search.backends.base import SearchFilter
from apps.social.models import Block, Follow

DOCS = "search_searchdocument"


def visibility(viewer_id: int | None) -> tuple[str, list]:
    """Private profiles and lists are never hits for others; followers-only for followers.
    Nobody finds what a suspended reader owns, nor, logged in, what a reader across a block
    owns (either way; apps/social/blocking.py)."""
    users = User._meta.db_table
    suspended = (
        f"(d.owner_id IS NULL OR d.owner_id NOT IN (SELECT id FROM {users} "  # noqa: S608 - table names and placeholders only
        "WHERE suspended_at IS NOT NULL AND (suspended_until IS NULL OR suspended_until > %s)))"
    )
    if viewer_id is None:
        return f"d.privacy = %s AND {suspended}", [Privacy.PUBLIC.value, timezone.now()]
    follows = Follow._meta.db_table
    blocks = Block._meta.db_table
    return (
        f"(d.privacy = %s OR d.owner_id = %s OR (d.privacy = %s AND d.owner_id IN "  # noqa: S608 - table names and placeholders only
        f"(SELECT followee_id FROM {follows} WHERE follower_id = %s))) AND "
        f"(d.owner_id IS NULL OR d.owner_id = %s OR ({suspended} AND d.owner_id NOT IN "
        f"(SELECT blocked_id FROM {blocks} WHERE blocker_id = %s UNION "
        f"SELECT blocker_id FROM {blocks} WHERE blocked_id = %s)))",
        [
            Privacy.PUBLIC.value,
            viewer_id,
            Privacy.FOLLOWERS.value,
            viewer_id,
            viewer_id,
            timezone.now(),
            viewer_id,
            viewer_id,
        ],
    )


def kinds_clause(kinds: list[str]) -> tuple[str, list]:
    return f"d.kind IN ({', '.join(['%s'] * len(kinds))})", list(kinds)


def book_filters(filters: SearchFilter) -> tuple[list[str], list]:
    clauses: list[str] = []
    params: list = []
    if filters.language:
        clauses.append("(LOWER(d.language) = %s OR LOWER(d.language) LIKE %s)")
        language = filters.language.strip().lower()
        params += [language, f"{language}-%"]
    if filters.year_from is not None:
        clauses.append("d.year >= %s")
        params.append(filters.year_from)
    if filters.year_to is not None:
        clauses.append("d.year <= %s")
        params.append(filters.year_to)
    if filters.min_rating is not None:
        clauses.append("d.rating >= %s")
        params.append(filters.min_rating)
    if filters.genres:
        through = Book.genres.through._meta.db_table
        genres = Genre._meta.db_table
        marks = ", ".join(["%s"] * len(filters.genres))
        clauses.append(
            f"d.object_id IN (SELECT bg.book_id FROM {through} bg JOIN {genres} g "  # noqa: S608 - table names and placeholders only
            f"ON g.id = bg.genre_id WHERE g.slug IN ({marks}))"
        )
        params += list(filters.genres)
    return clauses, params


def facet_queries(matched_sql: str, params: list) -> tuple[tuple[str, list], tuple[str, list]]:
    """Genre and decade counts over the matching books (`matched_sql` selects their ids)."""
    through = Book.genres.through._meta.db_table
    genres = (
        f"SELECT bg.genre_id, COUNT(*) AS n FROM {through} bg "  # noqa: S608 - table names and placeholders only
        f"WHERE bg.book_id IN ({matched_sql}) GROUP BY bg.genre_id ORDER BY n DESC, bg.genre_id "
        f"LIMIT 50"
    )
    # Integer division truncates towards zero: BCE years are floored explicitly.
    decades = (
        f"SELECT CASE WHEN d.year >= 0 THEN (d.year / 10) * 10 ELSE -((9 - d.year) / 10) * 10 END "  # noqa: S608 - table names and placeholders only
        f"AS decade, COUNT(*) FROM {DOCS} d WHERE d.kind = 'book' AND d.year IS NOT NULL "
        f"AND d.object_id IN ({matched_sql}) GROUP BY decade ORDER BY decade"
    )
    return (genres, list(params)), (decades, list(params))
