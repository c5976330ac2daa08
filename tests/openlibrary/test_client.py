"""The Open Library client against a local server replaying recorded responses."""

import time

import pytest

from apps.catalog.openlibrary import OpenLibraryClient, OpenLibraryError, _RateLimit
from tests.openlibrary.server import DOWN, DUNE, FLAKY, MALFORMED, MORT, SLOW, UNKNOWN


def test_isbn_lookup_follows_the_redirect_to_the_edition(openlibrary):
    edition = OpenLibraryClient().edition("0-441-01359-7")  # ISBN-10 spelling
    assert edition.title == "Dune" and edition.subtitle == "Deluxe Edition"
    assert edition.authors == ["Frank Herbert"]
    assert (edition.publisher, edition.pages, edition.year) == ("Ace Books", 604, 2005)
    assert (edition.isbn10, edition.isbn13, edition.openlibrary_id) == (
        "0441013597",
        DUNE,
        "OL7353617M",
    )
    assert edition.cover_url == f"https://covers.example.org/b/isbn/{DUNE}-M.jpg?default=false"
    assert openlibrary.paths() == [
        f"/isbn/{DUNE}.json",
        "/books/OL7353617M.json",
        "/authors/OL79034A.json",
    ]


def test_requests_identify_booknest(openlibrary):
    OpenLibraryClient().edition(DUNE)
    assert {h["User-Agent"] for _, h in openlibrary.requests} == {
        "BookNest-tests/1.0 (tests@example.com)"
    }


def test_answers_are_cached(openlibrary):
    client = OpenLibraryClient()
    assert client.edition(DUNE).title == "Dune"
    count = len(openlibrary.requests)
    assert client.edition(DUNE).title == "Dune"
    assert len(openlibrary.requests) == count


def test_unknown_isbn_is_none_and_cached_as_unknown(openlibrary):
    client = OpenLibraryClient()
    assert client.edition(UNKNOWN) is None
    assert client.edition(UNKNOWN) is None
    assert openlibrary.paths() == [f"/isbn/{UNKNOWN}.json"]  # negative caching


def test_server_errors_are_retried_with_backoff(openlibrary):
    assert OpenLibraryClient().edition(FLAKY).title == "Dune"
    assert openlibrary.paths().count(f"/isbn/{FLAKY}.json") == 2  # one 503, then the answer


def test_a_server_that_keeps_failing_is_an_error_after_the_retries(openlibrary):
    with pytest.raises(OpenLibraryError, match="HTTP 500"):
        OpenLibraryClient().edition(DOWN)
    assert openlibrary.paths().count(f"/isbn/{DOWN}.json") == 3  # 1 + OPENLIBRARY_RETRIES


def test_a_slow_server_times_out(openlibrary, settings):
    settings.OPENLIBRARY_RETRIES = 0
    started = time.monotonic()
    with pytest.raises(OpenLibraryError):
        OpenLibraryClient().edition(SLOW)
    assert time.monotonic() - started < 1.4  # gave up at the timeout, not the server's pace


def test_malformed_json_is_an_error_and_not_cached(openlibrary):
    with pytest.raises(OpenLibraryError, match="not JSON"):
        OpenLibraryClient().edition(MALFORMED)
    with pytest.raises(OpenLibraryError):
        OpenLibraryClient().edition(MALFORMED)
    assert openlibrary.paths().count(f"/isbn/{MALFORMED}.json") == 6


def test_batch_lookup_asks_once_for_many_isbns(openlibrary):
    found = OpenLibraryClient().editions([DUNE, "0552131067", UNKNOWN])
    assert set(found) == {DUNE, MORT}
    assert found[MORT].authors == ["Terry Pratchett"]
    assert found[MORT].openlibrary_id == "OL7518155M"
    assert found[DUNE].cover_url.endswith("6976345-M.jpg")
    [path] = openlibrary.paths()
    assert path.startswith("/api/books?") and "jscmd=data" in path and "format=json" in path
    again = OpenLibraryClient().editions([DUNE, UNKNOWN])
    assert set(again) == {DUNE} and len(openlibrary.requests) == 1  # all from the cache


def test_search(openlibrary):
    results = OpenLibraryClient().search("dune")
    assert results[0] == {
        "title": "Dune",
        "authors": ["Frank Herbert"],
        "year": 1965,
        "isbn13": DUNE,
        "openlibrary_id": "OL893415W",
    }
    assert len(results) == 2


def test_rate_limit_spaces_requests():
    limit = _RateLimit()
    started = time.monotonic()
    for _ in range(4):
        limit.wait(20)  # 20 a second: 4 requests need at least 3 gaps of 50 ms
    assert time.monotonic() - started >= 0.14
