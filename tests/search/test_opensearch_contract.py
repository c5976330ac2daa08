"""The OpenSearch engine against a local fake server: what it sends, and what it makes of
OpenSearch's answers (hits, highlights, aggregations, bulk item errors, 404, 5xx, timeouts).
"""

import io

import pytest
from django.core.management import call_command

from apps.search import engine, services
from apps.search.backends.base import SearchFilter
from apps.search.models import Kind
from tests.factories import make_follow, make_reading_list, make_user
from tests.search import opensearch_recordings as rec
from tests.search.fake_opensearch import FakeOpenSearch

ALL = list(Kind)


@pytest.fixture
def fake(settings):
    engine._last_failure = None
    with FakeOpenSearch() as server:
        settings.OPENSEARCH_URL = server.url
        settings.OPENSEARCH_INDEX_PREFIX = "booknest"
        yield server
    engine._last_failure = None


def test_search_sends_a_fuzzy_boosted_query_and_reads_hits_highlights_and_facets(fake, db):
    fake.replay(
        200,
        rec.search_response(
            [
                (
                    "booknest-book-20261122000000",
                    "book",
                    1,
                    14.2,
                    {
                        "title": ["The <em>Hunger</em> <em>Games</em>"],
                        "body": ["…once known as North America lies <em>Panem</em>."],
                    },
                ),
                ("booknest-author-20261122000000", "author", 7, 9.5, None),
            ],
            total=42,
            aggregations=rec.book_aggregations([(3, 30), (5, 12)], [(2000, 40), (2010, 0)]),
        ),
    )
    page = services.search("hunger gmes", [Kind.BOOK, Kind.AUTHOR], first=2, facets=True)

    [(method, path, body)] = fake.requests
    assert (method, path) == ("POST", "/booknest-book,booknest-author/_search")
    query = body["query"]["function_score"]
    fuzzy = query["query"]["bool"]["should"][0]["multi_match"]
    assert fuzzy["query"] == "hunger gmes"
    assert fuzzy["fuzziness"] == "AUTO"
    assert fuzzy["fields"] == ["title^4", "people^2", "subtitle^1.5", "body"]
    assert query["field_value_factor"]["field"] == "popularity"
    assert query["query"]["bool"]["filter"] == [
        {"terms": {"kind": ["author", "book"]}},
        {"term": {"privacy": "public"}},
    ]
    assert (body["from"], body["size"]) == (0, 2)
    assert body["aggs"]["books"]["aggs"] == {
        "genres": {"terms": {"field": "genre_ids", "size": 50}},
        "decades": {"histogram": {"field": "year", "interval": 10}},
    }
    assert set(body["highlight"]["fields"]) == {"title", "subtitle", "people", "body"}

    assert [(h.kind, h.id, h.score) for h in page.hits] == [
        (Kind.BOOK, 1, 14.2),
        (Kind.AUTHOR, 7, 9.5),
    ]
    assert page.hits[0].highlights == [
        ("title", "The <em>Hunger</em> <em>Games</em>"),
        ("description", "…once known as North America lies <em>Panem</em>."),
    ]
    assert page.total == 42
    assert page.facets.genres == [(3, 30), (5, 12)]
    assert page.facets.decades == [(2000, 40)]  # empty buckets of the histogram left out


def test_filters_and_the_viewers_circle_become_filter_clauses(fake, db):
    viewer, friend = make_user(), make_user()
    make_follow(viewer, friend)
    fake.replay(200, rec.search_response([]))
    filters = SearchFilter(genres=("fantasy",), language="en", year_from=1990, min_rating=4)
    services.search("dragons", ALL, filters, viewer_id=viewer.pk)

    [(_, path, body)] = fake.requests
    assert path == "/booknest-book/_search"  # a filter searches books only
    clauses = body["query"]["function_score"]["query"]["bool"]["filter"]
    assert clauses[0] == {"terms": {"kind": ["book"]}}
    assert clauses[1] == {
        "bool": {
            "should": [
                {"term": {"privacy": "public"}},
                {"term": {"owner_id": viewer.pk}},
                {
                    "bool": {
                        "filter": [
                            {"term": {"privacy": "followers"}},
                            {"terms": {"owner_id": [friend.pk]}},
                        ]
                    }
                },
            ],
            "minimum_should_match": 1,
        }
    }
    assert {"terms": {"genre_slugs": ["fantasy"]}} in clauses
    assert {"range": {"year": {"gte": 1990}}} in clauses
    assert {"range": {"rating": {"gte": 4}}} in clauses


def test_an_isbn_query_boosts_the_exact_isbn(fake, db):
    fake.replay(200, rec.search_response([("booknest-book-1", "book", 1, 120.0, None)]))
    page = services.search("0-439-02348-3", [Kind.BOOK])
    should = fake.requests[0][2]["query"]["function_score"]["query"]["bool"]["should"]
    assert {"term": {"isbns": {"value": "9780439023481", "boost": 100}}} in should
    assert [(h.kind, h.id) for h in page.hits] == [(Kind.BOOK, 1)]


def test_suggest_queries_the_edge_ngrams_and_reads_titles(fake, db):
    response = rec.search_response([("booknest-book-1", "book", 1, 8.0, None)])
    response["hits"]["hits"][0]["_source"]["title"] = "The Hunger Games"
    fake.replay(200, response)
    suggestions = services.suggest("hu", [Kind.BOOK], limit=5)
    [(method, path, body)] = fake.requests
    assert (method, path, body["size"]) == ("POST", "/booknest-book/_search", 5)
    edge = body["query"]["function_score"]["query"]["bool"]["should"][0]["multi_match"]
    assert edge["fields"] == ["title.autocomplete^2", "people.autocomplete"]
    assert [(s.kind, s.id, s.text) for s in suggestions] == [(Kind.BOOK, 1, "The Hunger Games")]


@pytest.mark.parametrize(
    ("status", "body", "delay", "error"),
    [
        (404, rec.index_not_found("booknest-book"), 0, "index_not_found_exception"),
        (503, rec.UNAVAILABLE, 0, "cluster_block_exception"),
        (200, {"unexpected": "shape"}, 0, "unexpected response"),
        (200, rec.search_response([]), 3, "ConnectionTimeout"),
    ],
)
def test_search_is_answered_by_the_database_when_opensearch_fails(
    fake, settings, catalog, client, status, body, delay, error
):
    settings.OPENSEARCH_TIMEOUT = 1
    fake.replay(status, body, delay=delay)
    page = services.search("hunger gmes", [Kind.BOOK], first=1)
    assert [(h.kind, h.id) for h in page.hits] == [(Kind.BOOK, catalog.books.hunger_games.pk)]
    assert error in engine.status()["lastFailure"]["error"]

    fake.replay(200, rec.INFO)  # /readyz pings: OpenSearch is back, the failure still shows
    check = client.get("/readyz").json()["checks"]["search"]
    assert check["ok"] is True
    assert check["backend"]["engine"] == "opensearch"
    assert error in check["backend"]["lastFailure"]["error"]


def test_after_a_failure_searches_skip_opensearch_for_a_while(fake, catalog, monkeypatch):
    fake.replay(503, rec.UNAVAILABLE)
    services.search("hobbit", [Kind.BOOK])
    page = services.search("hunger gmes", [Kind.BOOK], first=1)  # not waiting on OpenSearch
    assert len(fake.requests) == 1
    assert [h.id for h in page.hits] == [catalog.books.hunger_games.pk]
    assert engine.status()["coolingDown"] is True

    monkeypatch.setattr(engine, "COOL_DOWN_SECONDS", 0)
    fake.replay(200, rec.search_response([("booknest-book-1", "book", 5, 3.0, None)]))
    assert [h.id for h in services.search("hobbit", [Kind.BOOK]).hits] == [5]
    assert len(fake.requests) == 2


def test_changes_are_bulk_indexed_after_commit_and_item_errors_recorded(
    fake, db, django_capture_on_commit_callbacks
):
    fake.replay(200, rec.bulk_response([rec.indexed("booknest-user", 1)]))  # the new reader
    fake.replay(
        200,
        rec.bulk_response(
            [rec.indexed("booknest-list", 1), rec.index_failed("booknest-list", 2)], errors=True
        ),
    )
    with django_capture_on_commit_callbacks(execute=True):
        owner = make_user("lister")
        first = make_reading_list(owner, name="Cosy mysteries", description="Tea and murder")
        second = make_reading_list(owner, name="Space operas")
    users, lists = fake.requests  # one bulk request per type, after the commit
    assert users[1].startswith("/_bulk") and users[2][1]["title"] == "lister"
    method, path, body = lists
    assert (method, path.split("?")[0]) == ("POST", "/_bulk")
    actions = body[0::2]
    sources = {doc["object_id"]: doc for doc in body[1::2]}
    assert actions == [
        {"index": {"_index": "booknest-list", "_id": str(first.pk)}},
        {"index": {"_index": "booknest-list", "_id": str(second.pk)}},
    ]
    assert sources[first.pk] | {"popularity": None} == {
        "kind": "list",
        "object_id": first.pk,
        "title": "Cosy mysteries",
        "people": "lister",
        "subtitle": "",
        "body": "Tea and murder",
        "popularity": None,
        "owner_id": owner.pk,
        "privacy": "public",
        "language": "",
        "year": None,
        "rating": 0.0,
        "genre_ids": [],
        "genre_slugs": [],
        "isbns": [],
    }
    assert "failed to parse field [year]" in engine.status()["lastFailure"]["error"]


def test_deleting_a_missing_document_is_not_a_failure(fake, db):
    from apps.search.engine import opensearch_engine

    fake.replay(200, rec.bulk_response([rec.delete_missing("booknest-book", 9)]))
    opensearch_engine().index_documents(Kind.BOOK, [], [9])
    assert fake.requests[0][2] == [{"delete": {"_index": "booknest-book", "_id": "9"}}]
    assert engine.status()["lastFailure"] is None


def test_rebuild_fills_a_new_index_and_swaps_the_alias(fake, catalog):
    fake.replay(200, rec.created_index("new"))  # PUT the new index
    fake.replay(200, rec.bulk_response([]))  # its documents
    fake.replay(200, rec.REFRESHED)
    fake.replay(200, rec.aliases("booknest-book", "booknest-book-20260101000000000000"))
    fake.replay(200, rec.ACKNOWLEDGED)  # _aliases
    fake.replay(200, rec.ACKNOWLEDGED)  # DELETE the old index
    out = io.StringIO()
    call_command("search_index", "--rebuild", "--type", "book", stdout=out)

    (create, bulk, refresh, get_alias, swap, delete) = fake.requests
    method, path, body = create
    new_index = path.lstrip("/")
    assert method == "PUT" and new_index.startswith("booknest-book-")
    analysis = body["settings"]["analysis"]
    assert "asciifolding" in analysis["analyzer"]["folded_english"]["filter"]
    assert "english_stemmer" in analysis["analyzer"]["folded_english"]["filter"]
    assert analysis["filter"]["edge_2_20"] == {"type": "edge_ngram", "min_gram": 2, "max_gram": 20}
    assert body["mappings"]["properties"]["title"]["fields"]["autocomplete"] == {
        "type": "text",
        "analyzer": "autocomplete",
        "search_analyzer": "folded",
    }
    assert body["mappings"]["dynamic"] == "strict"
    assert bulk[1].startswith("/_bulk")
    assert len(bulk[2]) == 2 * 8  # eight books: an action and a source each
    assert {line["index"]["_index"] for line in bulk[2][0::2]} == {new_index}
    fantasy = next(doc for doc in bulk[2][1::2] if doc["title"] == "The Hobbit")
    assert sorted(fantasy["genre_slugs"]) == ["classics", "fantasy"]
    assert refresh[:2] == ("POST", f"/{new_index}/_refresh")
    assert get_alias[:2] == ("GET", "/_alias/booknest-book")
    assert swap[:2] == ("POST", "/_aliases")
    assert swap[2] == {
        "actions": [
            {"remove": {"index": "booknest-book-20260101000000000000", "alias": "booknest-book"}},
            {"add": {"index": new_index, "alias": "booknest-book"}},
        ]
    }
    assert delete[:2] == ("DELETE", "/booknest-book-20260101000000000000")
    assert f"booknest-book -> {new_index}" in out.getvalue()


def test_first_rebuild_replaces_an_index_auto_created_under_the_alias_name(fake, catalog):
    fake.replay(200, rec.created_index("new"))
    fake.replay(200, rec.bulk_response([]))
    fake.replay(200, rec.REFRESHED)
    fake.replay(404, rec.alias_missing("booknest-author"))
    fake.replay(200, {})  # HEAD /booknest-author: it exists (a write before any rebuild)
    fake.replay(200, rec.ACKNOWLEDGED)
    call_command("search_index", "--rebuild", "--type", "author", stdout=io.StringIO())
    new_index = fake.requests[0][1].lstrip("/")
    assert fake.requests[4][:2] == ("HEAD", "/booknest-author")
    assert fake.requests[5][2] == {
        "actions": [
            {"remove_index": {"index": "booknest-author"}},
            {"add": {"index": new_index, "alias": "booknest-author"}},
        ]
    }
