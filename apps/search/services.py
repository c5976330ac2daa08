"""Searching, as the API offers it: validated arguments in, a ranked page out."""

from apps.core.errors import Invalid
from apps.search import engine
from apps.search.backends.base import SearchFilter, SearchPage, Suggestion, check_page
from apps.search.models import Kind
from apps.search.text import MAX_QUERY_LENGTH, clean_query, fold

MAX_SUGGESTIONS = 20


def search(
    query: str,
    kinds: list[str],
    filters: SearchFilter | None = None,
    *,
    first: int = 20,
    after: int = 0,
    viewer_id: int | None = None,
    facets: bool = False,
) -> SearchPage:
    """Ranked hits of `kinds` for `query`; empty or over-long queries are refused (INVALID)."""
    query = clean_query(query)
    filters = filters or SearchFilter()
    filters.validate()
    check_page(first, after)
    kinds = [Kind(kind) for kind in dict.fromkeys(kinds)]
    if not kinds:
        raise Invalid("Search at least one type.", field="types")
    return engine.search(query, kinds, filters, first, after, viewer_id, facets=facets)


def suggest(
    prefix: str, kinds: list[str], *, limit: int = 8, viewer_id: int | None = None
) -> list[Suggestion]:
    """Completions for a search box: from two characters on, best known first."""
    prefix = (prefix or "").replace("\x00", "").strip()
    if len(prefix) > MAX_QUERY_LENGTH:
        raise Invalid(f"Suggest for at most {MAX_QUERY_LENGTH} characters.", field="prefix")
    if not 1 <= limit <= MAX_SUGGESTIONS:
        raise Invalid(f"`limit` must be between 1 and {MAX_SUGGESTIONS}.", field="limit")
    if len(fold(prefix).replace(" ", "")) < 2:
        return []
    kinds = [Kind(kind) for kind in dict.fromkeys(kinds)]
    return engine.suggest(prefix, kinds, limit, viewer_id)
