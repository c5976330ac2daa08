"""OpenSearch request bodies (queries, filters, aggregations) and the parsing of answers."""

from apps.core.models import Privacy
from apps.search.backends.base import (
    HIGHLIGHT_FIELDS,
    RESULT_WINDOW,
    Facets,
    Hit,
    SearchFilter,
    SearchPage,
)
from apps.search.models import Kind
from apps.search.text import as_isbn13

# Where each kind's highlights come from, under the names clients see (as the database engine).
HIGHLIGHT_NAMES = {kind: dict(fields) for kind, fields in HIGHLIGHT_FIELDS.items()}


def unavailable(operation: str, exc: Exception):
    from apps.search.engine import EngineUnavailable

    return EngineUnavailable(f"{operation}: {type(exc).__name__}: {exc}"[:300])


def visibility(viewer_id: int | None) -> dict:
    """The rule of `sql.visibility`: privacy, then no suspended owner, no owner across a block."""
    from apps.accounts.suspension import suspended_users
    from apps.social.blocking import blocked_with
    from apps.social.models import Follow

    public = {"term": {"privacy": Privacy.PUBLIC.value}}
    excluded = {user["pk"] for user in suspended_users()}
    if viewer_id is None:
        return _without(public, excluded)
    excluded = (excluded | blocked_with(viewer_id)) - {viewer_id}
    followees = list(
        Follow.objects.filter(follower_id=viewer_id).values_list("followee_id", flat=True)
    )
    should = [public, {"term": {"owner_id": viewer_id}}]
    if followees:
        should.append(
            {
                "bool": {
                    "filter": [
                        {"term": {"privacy": Privacy.FOLLOWERS.value}},
                        {"terms": {"owner_id": followees}},
                    ]
                }
            }
        )
    return _without({"bool": {"should": should, "minimum_should_match": 1}}, excluded)


def _without(clause: dict, owner_ids: set[int]) -> dict:
    if not owner_ids:
        return clause
    return {"bool": {"filter": [clause], "must_not": [{"terms": {"owner_id": sorted(owner_ids)}}]}}


def filter_clauses(kinds, filters: SearchFilter, viewer_id) -> list[dict]:
    clauses = [{"terms": {"kind": sorted(kinds)}}, visibility(viewer_id)]
    if filters.genres:
        clauses.append({"terms": {"genre_slugs": list(filters.genres)}})
    if filters.language:
        language = filters.language.strip().lower()
        clauses.append(
            {
                "bool": {
                    "should": [
                        {"term": {"language": language}},
                        {"prefix": {"language": f"{language}-"}},
                    ],
                    "minimum_should_match": 1,
                }
            }
        )
    years = {}
    if filters.year_from is not None:
        years["gte"] = filters.year_from
    if filters.year_to is not None:
        years["lte"] = filters.year_to
    if years:
        clauses.append({"range": {"year": years}})
    if filters.min_rating is not None:
        clauses.append({"range": {"rating": {"gte": filters.min_rating}}})
    return clauses


def search_body(query, kinds, filters, first, after, viewer_id, facets) -> dict:
    isbn13 = as_isbn13(query)
    should = [
        {
            "multi_match": {
                "query": query,
                "fields": ["title^4", "people^2", "subtitle^1.5", "body"],
                "type": "best_fields",
                "fuzziness": "AUTO",
                "prefix_length": 1,
                "max_expansions": 20,
            }
        },
        {
            "multi_match": {
                "query": query,
                "fields": ["title.folded^3", "people.folded^2"],
                "type": "phrase",
                "boost": 2,
            }
        },
        {
            "multi_match": {
                "query": query,
                "fields": ["title.autocomplete", "people.autocomplete"],
                "operator": "and",
            }
        },
    ]
    if isbn13:
        should.append({"term": {"isbns": {"value": isbn13, "boost": 100}}})
    body = {
        "from": after,
        "size": first,
        "track_total_hits": RESULT_WINDOW,
        "_source": ["kind", "object_id"],
        "query": {
            "function_score": {
                "query": {
                    "bool": {
                        "should": should,
                        "minimum_should_match": 1,
                        "filter": filter_clauses(kinds, filters, viewer_id),
                    }
                },
                # Popular books ahead of obscure ones with the same text match.
                "field_value_factor": {
                    "field": "popularity",
                    "modifier": "log1p",
                    "missing": 0,
                },
                "boost_mode": "sum",
            }
        },
        "highlight": {
            "pre_tags": ["<em>"],
            "post_tags": ["</em>"],
            "encoder": "html",
            "fields": {
                "title": {"number_of_fragments": 0},
                "subtitle": {"number_of_fragments": 0},
                "people": {"number_of_fragments": 0},
                "body": {"fragment_size": 160, "number_of_fragments": 1},
            },
        },
        "sort": ["_score", {"object_id": "asc"}],
    }
    if facets and Kind.BOOK in kinds:
        body["aggs"] = {
            "books": {
                "filter": {"term": {"kind": Kind.BOOK.value}},
                "aggs": {
                    "genres": {"terms": {"field": "genre_ids", "size": 50}},
                    "decades": {"histogram": {"field": "year", "interval": 10}},
                },
            }
        }
    return body


def suggest_body(prefix, kinds, limit, viewer_id) -> dict:
    return {
        "size": limit,
        "_source": ["kind", "object_id", "title"],
        "query": {
            "function_score": {
                "query": {
                    "bool": {
                        "should": [
                            {
                                "multi_match": {
                                    "query": prefix,
                                    "fields": ["title.autocomplete^2", "people.autocomplete"],
                                    "operator": "and",
                                }
                            },
                            {
                                "multi_match": {
                                    "query": prefix,
                                    "fields": ["title.folded", "people.folded"],
                                    "fuzziness": "AUTO",
                                    "prefix_length": 1,
                                    "boost": 0.5,
                                }
                            },
                        ],
                        "minimum_should_match": 1,
                        "filter": filter_clauses(kinds, SearchFilter(), viewer_id),
                    }
                },
                "field_value_factor": {
                    "field": "popularity",
                    "modifier": "log1p",
                    "missing": 0,
                },
                "boost_mode": "sum",
            }
        },
    }


def parse_search(response: dict, *, facets: bool) -> SearchPage:
    try:
        hits = []
        for hit in response["hits"]["hits"]:
            kind = Kind(hit["_source"]["kind"])
            names = HIGHLIGHT_NAMES[kind]
            highlights = [
                (names[field], fragment)
                for field, fragments in (hit.get("highlight") or {}).items()
                if field in names
                for fragment in fragments[:1]
            ]
            hits.append(
                Hit(
                    kind,
                    int(hit["_source"]["object_id"]),
                    float(hit.get("_score") or 0),
                    highlights,
                )
            )
        total = response["hits"]["total"]
        total = total["value"] if isinstance(total, dict) else int(total)
        page_facets = None
        if facets:
            books = response.get("aggregations", {}).get("books", {})
            page_facets = Facets(
                genres=[
                    (int(b["key"]), int(b["doc_count"]))
                    for b in books.get("genres", {}).get("buckets", [])
                ],
                decades=[
                    (int(b["key"]), int(b["doc_count"]))
                    for b in books.get("decades", {}).get("buckets", [])
                    if b["doc_count"]
                ],
            )
    except (KeyError, TypeError, ValueError) as exc:
        raise unavailable("search: unexpected response", exc) from exc
    return SearchPage(hits, min(total, RESULT_WINDOW), page_facets)
