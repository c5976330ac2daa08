"""A small client of the Open Library API (https://openlibrary.org/developers/api).

- `edition(isbn)`: `/isbn/{isbn}.json`, which redirects to the edition (`/books/OL…M.json`);
  author names come from `/authors/OL…A.json`.
- `editions(isbns)`: many ISBNs in one request, `/api/books?bibkeys=ISBN:…&jscmd=data`.
- `search(query)`: `/search.json`; `cover_url(isbn)`: the covers service.

Politeness and robustness: an identifying User-Agent (OPENLIBRARY_USER_AGENT), at most
OPENLIBRARY_MAX_PER_SECOND requests a second per process, a timeout per request
(OPENLIBRARY_TIMEOUT), retries with exponential backoff on timeouts, connection errors, 429
and 5xx (OPENLIBRARY_RETRIES), and answers cached in Django's cache (Redis with REDIS_URL) for
OPENLIBRARY_CACHE_TTL seconds; an ISBN Open Library does not know is cached as unknown for a
day (negative caching), so a file full of unknown ISBNs does not hammer the API.
Stdlib only (urllib): no HTTP dependency for one client.
"""

import http.client
import json
import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache

from apps.catalog import isbn as isbns

log = logging.getLogger(__name__)
MISSING = {"missing": True}
NEGATIVE_TTL = 24 * 3600
BATCH = 50  # ISBNs per /api/books request (the URL stays well under common limits)


class OpenLibraryError(Exception):
    """Open Library could not be reached or answered nonsense, after the retries."""


@dataclass
class Edition:
    """An Open Library edition, in BookNest's terms."""

    title: str
    subtitle: str = ""
    authors: list[str] = field(default_factory=list)
    publisher: str = ""
    pages: int | None = None
    year: int | None = None
    isbn10: str = ""
    isbn13: str = ""
    openlibrary_id: str = ""
    cover_url: str = ""
    work_id: str = ""  # the Open Library work the edition belongs to (OL…W), when known


class _RateLimit:
    """At most `per_second` request starts a second in this process (shared by all clients)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.next_at = 0.0

    def wait(self, per_second: int) -> None:
        with self.lock:
            now = time.monotonic()
            start = max(now, self.next_at)
            self.next_at = start + 1 / per_second
        if start > now:
            time.sleep(start - now)


_rate_limit = _RateLimit()


def _year(publish_date: str | None) -> int | None:
    digits = [part for part in (publish_date or "").replace(",", " ").split() if part.isdigit()]
    years = [int(d) for d in digits if len(d) == 4]
    return years[-1] if years else None


def _olid(key: str | None) -> str:
    return (key or "").rstrip("/").rsplit("/", 1)[-1]


class OpenLibraryClient:
    backoff = 0.5  # seconds before the first retry; doubles each time

    def __init__(self, base_url: str | None = None, covers_url: str | None = None):
        self.base_url = (base_url or settings.OPENLIBRARY_BASE_URL).rstrip("/")
        self.covers_url = (covers_url or settings.OPENLIBRARY_COVERS_URL).rstrip("/")

    # --- HTTP ---------------------------------------------------------------------------------
    def _get(self, path: str, params: dict | None = None):
        """The decoded JSON at `path`, or None on 404; OpenLibraryError after the retries."""
        url = self.base_url + path + (f"?{urllib.parse.urlencode(params)}" if params else "")
        request = urllib.request.Request(  # noqa: S310 - http(s) base URL from settings
            url,
            headers={"User-Agent": settings.OPENLIBRARY_USER_AGENT, "Accept": "application/json"},
        )
        attempts = settings.OPENLIBRARY_RETRIES + 1
        problem = ""
        for attempt in range(attempts):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            _rate_limit.wait(settings.OPENLIBRARY_MAX_PER_SECOND)
            try:
                # urllib follows the /isbn/ redirect to the edition by itself.
                with urllib.request.urlopen(  # noqa: S310 - the configured https base URL
                    request, timeout=settings.OPENLIBRARY_TIMEOUT
                ) as response:
                    body = response.read()
            except urllib.error.HTTPError as exc:
                if exc.code == 404:
                    return None
                problem = f"HTTP {exc.code}"
                if exc.code == 429 or exc.code >= 500:
                    continue
                break
            except (urllib.error.URLError, TimeoutError, OSError, http.client.HTTPException) as exc:
                problem = str(getattr(exc, "reason", exc)) or type(exc).__name__
                continue
            try:
                return json.loads(body)
            except ValueError:
                problem = "a response that is not JSON"
                continue
        log.warning("Open Library %s failed: %s", path, problem)
        raise OpenLibraryError(f"Open Library did not answer {path}: {problem}")

    # --- API ----------------------------------------------------------------------------------
    def edition(self, isbn: str) -> Edition | None:
        """The edition with this ISBN (cached), or None when Open Library does not know it."""
        isbn10, isbn13 = isbns.normalize(isbn)
        if not isbn13:
            return None
        key = f"openlibrary:isbn:{isbn13}"
        cached = cache.get(key)
        if cached is None:
            data = self._get(f"/isbn/{isbn13}.json")
            if not isinstance(data, dict) or not data.get("title"):
                cache.set(key, MISSING, min(NEGATIVE_TTL, settings.OPENLIBRARY_CACHE_TTL))
                return None
            names = [self.author_name(_olid(a.get("key"))) for a in data.get("authors") or []]
            cached = {**data, "author_names": [n for n in names if n]}
            cache.set(key, cached, settings.OPENLIBRARY_CACHE_TTL)
        if cached == MISSING:
            return None
        return self._from_edition(cached, isbn10, isbn13)

    def author_name(self, olid: str) -> str:
        if not olid:
            return ""
        key = f"openlibrary:author:{olid}"
        name = cache.get(key)
        if name is None:
            data = self._get(f"/authors/{olid}.json")
            name = (data or {}).get("name", "") if isinstance(data, dict) else ""
            cache.set(key, name, settings.OPENLIBRARY_CACHE_TTL)
        return name

    def editions(self, isbn_list: list[str]) -> dict[str, Edition]:
        """{ISBN-13: edition} for the ISBNs Open Library knows, in few requests (cached)."""
        wanted = {isbns.normalize(i)[1] for i in isbn_list} - {""}
        found: dict[str, Edition] = {}
        keys = {isbn13: f"openlibrary:data:{isbn13}" for isbn13 in wanted}
        cached = cache.get_many(list(keys.values()))
        missing = []
        for isbn13, key in keys.items():
            if key not in cached:
                missing.append(isbn13)
            elif cached[key] != MISSING:
                found[isbn13] = self._from_data(cached[key], isbn13)
        for start in range(0, len(missing), BATCH):
            chunk = missing[start : start + BATCH]
            data = self._get(
                "/api/books",
                {
                    "bibkeys": ",".join(f"ISBN:{i}" for i in chunk),
                    "jscmd": "data",
                    "format": "json",
                },
            )
            if not isinstance(data, dict):
                raise OpenLibraryError("Open Library's /api/books answered nonsense")
            hits, unknown = {}, {}
            for isbn13 in chunk:
                entry = data.get(f"ISBN:{isbn13}")
                if isinstance(entry, dict) and entry.get("title"):
                    hits[keys[isbn13]] = entry
                    found[isbn13] = self._from_data(entry, isbn13)
                else:
                    unknown[keys[isbn13]] = MISSING
            cache.set_many(hits, settings.OPENLIBRARY_CACHE_TTL)
            cache.set_many(unknown, min(NEGATIVE_TTL, settings.OPENLIBRARY_CACHE_TTL))
        return found

    def search(self, query: str, limit: int = 10) -> list[dict]:
        """Works matching `query`: [{title, authors, year, isbn13, openlibrary_id}] (cached)."""
        key = f"openlibrary:search:{limit}:{query.strip().lower()[:200]}"
        results = cache.get(key)
        if results is None:
            data = self._get("/search.json", {"q": query, "limit": limit})
            docs = data.get("docs", []) if isinstance(data, dict) else []
            results = [
                {
                    "title": doc.get("title", ""),
                    "authors": doc.get("author_name") or [],
                    "year": doc.get("first_publish_year"),
                    "isbn13": next((i for i in doc.get("isbn") or [] if len(i) == 13), ""),
                    "openlibrary_id": _olid(doc.get("key")),
                }
                for doc in docs
                if isinstance(doc, dict)
            ]
            cache.set(key, results, min(3600, settings.OPENLIBRARY_CACHE_TTL))
        return results

    def cover_url(self, isbn: str, size: str = "M") -> str:
        """The covers service URL of an ISBN's cover (S, M or L); `?default=false` makes a
        missing cover a 404 instead of a blank image."""
        return f"{self.covers_url}/b/isbn/{isbns.clean(isbn)}-{size}.jpg?default=false"

    # --- shapes -------------------------------------------------------------------------------
    def _from_edition(self, data: dict, isbn10: str, isbn13: str) -> Edition:
        pages = data.get("number_of_pages")
        return Edition(
            title=str(data.get("title", ""))[:500],
            subtitle=str(data.get("subtitle", ""))[:500],
            authors=data.get("author_names", []),
            publisher=str((data.get("publishers") or [""])[0])[:255],
            pages=pages if isinstance(pages, int) and pages > 0 else None,
            year=_year(data.get("publish_date")),
            isbn10=isbn10,
            isbn13=isbn13,
            openlibrary_id=_olid(data.get("key")),
            cover_url=self.cover_url(isbn13) if data.get("covers") else "",
            work_id=_olid(((data.get("works") or [{}])[0] or {}).get("key")),
        )

    def _from_data(self, data: dict, isbn13: str) -> Edition:
        pages = data.get("number_of_pages")
        publishers = data.get("publishers") or [{}]
        return Edition(
            title=str(data.get("title", ""))[:500],
            subtitle=str(data.get("subtitle", ""))[:500],
            authors=[a.get("name", "") for a in data.get("authors") or [] if a.get("name")],
            publisher=str(publishers[0].get("name", "") if isinstance(publishers[0], dict) else "")[
                :255
            ],
            pages=pages if isinstance(pages, int) and pages > 0 else None,
            year=_year(data.get("publish_date")),
            isbn10=isbns.isbn13_to_isbn10(isbn13),
            isbn13=isbn13,
            openlibrary_id=_olid(data.get("key")),
            cover_url=(data.get("cover") or {}).get("medium", ""),
        )
