"""Text folding, query parsing and highlighting shared by every engine.

Documents and queries are folded the same way (case, accents, punctuation), so "Brontë",
"bronte" and "BRONTE" meet; the engines then add stemming and typo tolerance of their own.
"""

import difflib
import html
import re
import unicodedata
from functools import lru_cache

from apps.catalog import isbn as isbn_utils
from apps.core.errors import Invalid

MAX_QUERY_LENGTH = 200
_WORD = re.compile(r"\w+", re.UNICODE)
_ISBNISH = re.compile(r"\A[0-9Xx\s-]{10,17}\Z")


# Words too common to tell documents apart (PostgreSQL's English configuration drops them too).
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "he",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "she",
        "that",
        "the",
        "their",
        "to",
        "was",
        "were",
        "will",
        "with",
    ]
)


def fold(value: str | None) -> str:
    """Lower case, no accents, punctuation as spaces: the form matching is done on."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Apostrophes join ("Ender's" → "enders") rather than split off a stray "s".
    stripped = stripped.replace("'", "").replace("\u2019", "")
    return " ".join(_WORD.findall(stripped.casefold().replace("_", " ")))


def words(value: str) -> list[str]:
    return fold(value).split()


def clean_query(query: str, field: str = "query") -> str:
    """The query trimmed; empty, whitespace-only or over-long queries are refused, not scanned."""
    query = (query or "").replace("\x00", "").strip()
    if not query:
        raise Invalid("Type something to search for.", field=field)
    if len(query) > MAX_QUERY_LENGTH:
        raise Invalid(f"Search for at most {MAX_QUERY_LENGTH} characters.", field=field)
    if len("".join(words(query))) < 2:
        # One letter would match nearly every document: not a search, a scan.
        raise Invalid("Search for at least two letters or digits.", field=field)
    return query


def as_isbn13(query: str) -> str:
    """The ISBN-13 a query spells (ISBN-10 or -13, hyphens allowed), or ""."""
    if not _ISBNISH.match(query):
        return ""
    _, isbn13 = isbn_utils.normalize(query)
    return isbn13 or ""


@lru_cache(maxsize=65536)
def _close(word: str, term: str) -> bool:
    """`word` (folded) is `term`, starts like it, or is a typo of it ("tolkein"/"tolkien")."""
    if word == term:
        return True
    if len(term) >= 3 and word.startswith(term[: max(3, len(term) - 2)]):
        return True
    if len(term) < 4 or abs(len(word) - len(term)) > 2:
        return False
    # difflib's ratio is 2 × matched letters / both lengths. Its upper bounds first, worked out
    # as its real_quick_ratio and quick_ratio do (letters in common, ignoring their order) but
    # without building a SequenceMatcher: most words are nowhere near the term.
    length = len(word) + len(term)
    if 2 * min(len(word), len(term)) / length < 0.75:
        return False
    shared = sum(min(word.count(letter), term.count(letter)) for letter in set(word))
    if 2 * shared / length < 0.75:
        return False
    return difflib.SequenceMatcher(None, word, term).ratio() >= 0.75


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    return fold(word)


class _Matches(dict):
    """Whether a word, as a text spells it, matches one of a query's terms: worked out once per
    word (up to a bound), since the same words recur across the fields and hits of one search."""

    MAX_WORDS = 20_000

    def __init__(self, terms: tuple[str, ...]):
        super().__init__()
        self.terms = terms

    def __missing__(self, word: str) -> bool:
        folded = _fold_word(word)
        found = any(_close(folded, term) for term in self.terms)
        if len(self) < self.MAX_WORDS:
            self[word] = found
        return found


@lru_cache(maxsize=16)
def _matches(query: str) -> _Matches:
    """The words matching `query`, shared by every highlight of a search (and of the next
    searches for the same query)."""
    terms = [t for t in words(query) if len(t) >= 2]
    terms = [t for t in terms if t not in STOPWORDS] or terms  # "The" is not what matched
    return _Matches(tuple(terms))


def highlight(text: str, query: str, *, window: int = 160) -> str | None:
    """`text` with the words matching the query (or nearly: typos) in <em>, HTML-escaped.

    Long texts are cut to a window around the first match. None when nothing matches.
    """
    if not text:
        return None
    matches = _matches(query)
    spans = [m.span() for m in _WORD.finditer(text) if matches[m.group()]]
    if not spans:
        return None
    start, end = 0, len(text)
    if len(text) > window:
        start = max(0, spans[0][0] - window // 4)
        end = min(len(text), start + window)
    out, cursor = [], start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.append(html.escape(text[cursor:s]) + "<em>" + html.escape(text[s:e]) + "</em>")
        cursor = e
    out.append(html.escape(text[cursor:end]))
    snippet = "".join(out)
    return ("…" if start > 0 else "") + snippet + ("…" if end < len(text) else "")
