"""OpenSearch engine: an index per type behind an alias, fuzzy multi-field queries with boosts,
highlights and aggregations; bulk indexing; rebuilds into a new index and an atomic alias swap.

Any error or timeout raises `EngineUnavailable`, on which `apps.search.engine` answers from the
database instead. Writes after commit never raise: their failures are logged and recorded.
"""

import logging
from datetime import UTC, datetime

from django.conf import settings
from opensearchpy import OpenSearch
from opensearchpy.exceptions import NotFoundError, OpenSearchException

from apps.catalog.models import Book
from apps.search.backends.base import (
    Facets,
    SearchEngine,
    SearchFilter,
    SearchPage,
    Suggestion,
    isbn_page,
)
from apps.search.backends.opensearch_mappings import INDEX_BODY
from apps.search.backends.opensearch_queries import (
    parse_search,
    search_body,
    suggest_body,
    unavailable,
)
from apps.search.models import Kind, SearchDocument
from apps.search.text import as_isbn13

logger = logging.getLogger(__name__)


class OpenSearchEngine(SearchEngine):
    name = "opensearch"

    def __init__(self, client: OpenSearch, prefix: str):
        self.client = client
        self.prefix = prefix

    @classmethod
    def from_settings(cls, *, timeout: float | None = None) -> "OpenSearchEngine":
        auth = None
        if settings.OPENSEARCH_USERNAME:
            auth = (settings.OPENSEARCH_USERNAME, settings.OPENSEARCH_PASSWORD)
        client = OpenSearch(
            hosts=[settings.OPENSEARCH_URL],
            http_auth=auth,
            timeout=timeout or settings.OPENSEARCH_TIMEOUT,
            # One attempt: a slow cluster must not hold a request; the database answers instead.
            max_retries=0,
            retry_on_timeout=False,
            verify_certs=settings.OPENSEARCH_VERIFY_CERTS,
            ssl_show_warn=settings.OPENSEARCH_VERIFY_CERTS,
        )
        return cls(client, settings.OPENSEARCH_INDEX_PREFIX)

    def alias(self, kind: str) -> str:
        return f"{self.prefix}-{kind}"

    def ping(self) -> None:
        try:
            # Well within /readyz's own 2 s budget per check.
            self.client.info(request_timeout=1)
        except OpenSearchException as exc:
            raise unavailable("ping", exc) from exc

    # --- queries ---------------------------------------------------------------------------

    def search(self, query, kinds, filters: SearchFilter, first, after, viewer_id, *, facets=False):
        if filters.active:
            kinds = [Kind.BOOK] if Kind.BOOK in kinds else []
        if not kinds:
            return SearchPage([], 0, Facets() if facets else None)
        isbn13 = as_isbn13(query)
        if isbn13 and (page := isbn_page(isbn13, kinds)) is not None:
            return page  # any edition's ISBN, as the database engines answer it
        body = search_body(query, kinds, filters, first, after, viewer_id, facets)
        try:
            response = self.client.search(
                index=",".join(self.alias(kind) for kind in kinds), body=body
            )
        except OpenSearchException as exc:
            raise unavailable("search", exc) from exc
        return parse_search(response, facets=facets and Kind.BOOK in kinds)

    def suggest(self, prefix, kinds, limit, viewer_id) -> list[Suggestion]:
        body = suggest_body(prefix, kinds, limit, viewer_id)
        try:
            response = self.client.search(
                index=",".join(self.alias(kind) for kind in kinds), body=body
            )
        except OpenSearchException as exc:
            raise unavailable("suggest", exc) from exc
        try:
            return [
                Suggestion(
                    hit["_source"]["kind"],
                    int(hit["_source"]["object_id"]),
                    hit["_source"]["title"],
                    float(hit.get("_score") or 0),
                )
                for hit in response["hits"]["hits"]
            ]
        except (KeyError, TypeError, ValueError) as exc:
            raise unavailable("suggest: unexpected response", exc) from exc

    # --- indexing --------------------------------------------------------------------------

    def source(self, doc: SearchDocument, genres: dict[int, list[tuple[int, str]]]) -> dict:
        book_genres = genres.get(doc.object_id, []) if doc.kind == Kind.BOOK else []
        return {
            "kind": str(doc.kind),
            "object_id": doc.object_id,
            "title": doc.title,
            "people": doc.people,
            "subtitle": doc.subtitle,
            "body": doc.body,
            "popularity": doc.popularity,
            "owner_id": doc.owner_id,
            "privacy": str(doc.privacy),
            "language": doc.language,
            "year": doc.year,
            "rating": doc.rating,
            "genre_ids": [genre_id for genre_id, _ in book_genres],
            "genre_slugs": [slug for _, slug in book_genres],
            "isbns": doc.isbns.split(),
        }

    def bulk_body(self, index: str, docs, removed=()) -> list[dict]:
        book_ids = [doc.object_id for doc in docs if doc.kind == Kind.BOOK]
        genres: dict[int, list[tuple[int, str]]] = {}
        if book_ids:
            rows = Book.genres.through.objects.filter(book_id__in=book_ids).values_list(
                "book_id", "genre_id", "genre__slug"
            )
            for book_id, genre_id, slug in rows:
                genres.setdefault(book_id, []).append((genre_id, slug))
        body: list[dict] = []
        for doc in docs:
            body.append({"index": {"_index": index, "_id": str(doc.object_id)}})
            body.append(self.source(doc, genres))
        for object_id in removed:
            body.append({"delete": {"_index": index, "_id": str(object_id)}})
        return body

    def bulk(self, body: list[dict], *, refresh: bool = False) -> list[str]:
        """Send one bulk request; returns the item errors (a delete of a missing id is fine)."""
        if not body:
            return []
        try:
            response = self.client.bulk(body=body, refresh="true" if refresh else "false")
        except OpenSearchException as exc:
            raise unavailable("bulk", exc) from exc
        errors = []
        if response.get("errors"):
            for item in response.get("items", []):
                action, result = next(iter(item.items()))
                if "error" in result and not (action == "delete" and result.get("status") == 404):
                    error = result["error"]
                    reason = error.get("reason") if isinstance(error, dict) else error
                    errors.append(f"{action} {result.get('_id')}: {reason}")
        return errors

    def index_documents(self, kind: str, docs, removed) -> None:
        """After commit: write the changed documents; failures are logged, never raised."""
        from apps.search.engine import EngineUnavailable, record_failure

        try:
            errors = self.bulk(self.bulk_body(self.alias(kind), docs, removed))
            if errors:
                raise EngineUnavailable(f"bulk: {len(errors)} item(s) failed: {errors[0]}")
        except EngineUnavailable as exc:
            record_failure("index", exc)

    def rebuild(self, kind: str, docs_in_chunks, *, now: datetime | None = None) -> str:
        """Build a new timestamped index, fill it, then swap the alias to it atomically.

        Searches keep using the old index until the swap; the old indexes are then deleted.
        """
        alias = self.alias(kind)
        stamp = (now or datetime.now(UTC)).strftime("%Y%m%d%H%M%S%f")
        index = f"{alias}-{stamp}"
        try:
            self.client.indices.create(index=index, body=INDEX_BODY)
            failed = []
            for docs in docs_in_chunks:
                failed += self.bulk(self.bulk_body(index, docs))
            if failed:
                self.client.indices.delete(index=index)
                raise RuntimeError(f"{len(failed)} document(s) failed, first: {failed[0]}")
            self.client.indices.refresh(index=index)
            try:
                old = list(self.client.indices.get_alias(name=alias))
            except NotFoundError:
                old = []
            actions = [{"remove": {"index": name, "alias": alias}} for name in old]
            if not old and self.client.indices.exists(index=alias):
                # An index auto-created under the alias' name (a write before any rebuild).
                actions.append({"remove_index": {"index": alias}})
            actions.append({"add": {"index": index, "alias": alias}})
            self.client.indices.update_aliases(body={"actions": actions})
            for name in old:
                self.client.indices.delete(index=name)
        except OpenSearchException as exc:
            raise unavailable("rebuild", exc) from exc
        return index
