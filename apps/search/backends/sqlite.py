"""SQLite engine (the embedded default): FTS5 trigram candidates, re-ranked in Python.

The FTS5 table (`search_fts`, trigram tokenizer) finds documents sharing three-letter pieces
with the query, so a typo still shares most of them ("tolkein" ~ "tolkien"); the candidates are
then ranked like on PostgreSQL: word similarity of title + people, words found in the other
text, and popularity. Without FTS5 trigram support (SQLite < 3.34) the candidates come from
LIKE on word beginnings. The result set is the best `CANDIDATES` documents: enough for an
embedded catalogue, and the same GraphQL shape as on every engine.
"""

import difflib
from functools import lru_cache

from django.db import connection

from apps.search.backends import sql
from apps.search.backends.base import (
    RESULT_WINDOW,
    Facets,
    Hit,
    SearchEngine,
    SearchFilter,
    SearchPage,
    Suggestion,
    highlights_of,
    isbn_page,
)
from apps.search.models import Kind
from apps.search.text import STOPWORDS, as_isbn13, fold

CANDIDATES = 400
MIN_SIMILARITY = 0.5
WORD_RATIO = 0.75  # difflib ratio for a typo: "tolkein"/"tolkien" 0.86, "panem"/"jane" 0.67
W_SIMILARITY = 1.0
W_TEXT = 0.5
W_OTHER_TEXT = 0.3
W_POPULARITY = 0.035
_COLUMNS = (
    "d.id, d.kind, d.object_id, d.title, d.people, d.subtitle, d.body, d.match_text, "
    "d.popularity, d.year"
)


def has_fts() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'search_fts'")
        return cursor.fetchone() is not None


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def refresh_fts(kind: str, object_ids: list[int]) -> None:
    if not has_fts():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, match_text, subtitle, body FROM {sql.DOCS} "  # noqa: S608 - table names and placeholders only
            f"WHERE kind = %s AND object_id IN ({_marks(object_ids)})",
            [kind, *object_ids],
        )
        rows = cursor.fetchall()
        ids = [row[0] for row in rows]
        if ids:
            cursor.execute(f"DELETE FROM search_fts WHERE rowid IN ({_marks(ids)})", ids)  # noqa: S608 - table names and placeholders only
        cursor.executemany(
            "INSERT INTO search_fts (rowid, match, extra) VALUES (%s, %s, %s)",
            [(doc_id, match, fold(f"{subtitle} {body}")) for doc_id, match, subtitle, body in rows],
        )


def remove_fts(kind: str, object_ids: list[int]) -> None:
    if not object_ids or not has_fts():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM search_fts WHERE rowid IN (SELECT id FROM {sql.DOCS} "  # noqa: S608 - table names and placeholders only
            f"WHERE kind = %s AND object_id IN ({_marks(object_ids)}))",
            [kind, *object_ids],
        )


@lru_cache(maxsize=4096)
def _word_ratio(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if len(a) >= 3 and b.startswith(a):  # a prefix of a longer word: "potte" for "potter"
        return 0.9
    return difflib.SequenceMatcher(None, a, b).ratio()


def word_similarity(query_words: list[str], text: str) -> float:
    """How well each query word matches its best word of `text`, weighted by word length."""
    doc_words = set(text.split())
    if not query_words or not doc_words:
        return 0.0
    total = sum(len(w) for w in query_words)
    score = 0.0
    for word in query_words:
        best = max(_word_ratio(word, doc_word) for doc_word in doc_words)
        score += len(word) * (best if best >= WORD_RATIO else 0)
    return score / total


def found_words(query_words: list[str], text: str) -> float:
    """The share of the query's significant words present in `text` (the last as a prefix)."""
    significant = [w for w in query_words if w not in STOPWORDS]
    if not significant:
        return 0.0
    doc_words = set(text.split())
    last = query_words[-1]
    hits = sum(
        1
        for w in significant
        if w in doc_words or (w == last and any(d.startswith(w) for d in doc_words))
    )
    return hits / len(significant)


def _trigram_match(terms: list[str]) -> str:
    grams = {term[i : i + 3] for term in terms for i in range(len(term) - 2)}
    return " OR ".join(f'"{gram}"' for gram in sorted(grams))


class SqliteEngine(SearchEngine):
    name = "sqlite"

    def _candidates(self, terms, kinds, filters, viewer_id, limit=CANDIDATES):
        clauses, params = [], []
        for clause, clause_params in (sql.kinds_clause(kinds), sql.visibility(viewer_id)):
            clauses.append(clause)
            params += clause_params
        filter_clauses, filter_params = sql.book_filters(filters)
        clauses += filter_clauses
        params += filter_params
        where = " AND ".join(clauses)
        long_terms = [t for t in terms if len(t) >= 3]
        with connection.cursor() as cursor:
            if long_terms and has_fts():
                cursor.execute(
                    f"SELECT {_COLUMNS} FROM search_fts JOIN {sql.DOCS} d ON d.id = search_fts.rowid "  # noqa: S608 - table names and placeholders only
                    f"WHERE search_fts MATCH %s AND {where} ORDER BY bm25(search_fts, 4.0, 1.0) "
                    f"LIMIT %s",
                    [_trigram_match(long_terms), *params, limit],
                )
            else:
                likes = " OR ".join(["d.match_text LIKE %s OR d.match_text LIKE %s"] * len(terms))
                like_params = [p for t in terms for p in (f"{t[:3]}%", f"% {t[:3]}%")]
                cursor.execute(
                    f"SELECT {_COLUMNS} FROM {sql.DOCS} d WHERE ({likes}) AND {where} "  # noqa: S608 - table names and placeholders only
                    f"ORDER BY d.popularity DESC LIMIT %s",
                    [*like_params, *params, limit],
                )
            return cursor.fetchall()

    def _rank(self, rows, terms):
        ranked = []
        for row in rows:
            # Like PostgreSQL: typo-tolerant similarity of title + people, plus words found
            # anywhere (title and people count more than subtitle and description).
            similarity = word_similarity(terms, row[7])
            in_title = found_words(terms, row[7])
            in_text = found_words(terms, fold(f"{row[5]} {row[6]}")) if row[5] or row[6] else 0
            if similarity < MIN_SIMILARITY and not in_title and not in_text:
                continue
            text = in_title + W_OTHER_TEXT * in_text
            score = W_SIMILARITY * similarity + W_TEXT * text + W_POPULARITY * row[8]
            ranked.append((round(score, 4), row))
        ranked.sort(key=lambda pair: (-pair[0], pair[1][0]))
        return ranked

    def search(self, query, kinds, filters: SearchFilter, first, after, viewer_id, *, facets=False):
        if filters.active:
            kinds = [Kind.BOOK] if Kind.BOOK in kinds else []
        if not kinds:
            return SearchPage([], 0, Facets() if facets else None)
        isbn13 = as_isbn13(query)
        if isbn13 and (page := isbn_page(isbn13, kinds)) is not None:
            return page
        terms = fold(query).split()
        ranked = self._rank(self._candidates(terms, kinds, filters, viewer_id), terms)
        hits = []
        for score, row in ranked[after : after + first]:
            fields = {"title": row[3], "people": row[4], "subtitle": row[5], "body": row[6]}
            hits.append(Hit(row[1], row[2], score, highlights_of(row[1], fields, query)))
        page_facets = self._facets(ranked) if facets else None
        return SearchPage(hits, min(len(ranked), RESULT_WINDOW), page_facets)

    def _facets(self, ranked) -> Facets:
        from apps.catalog.models import Book

        book_ids = [row[2] for _, row in ranked if row[1] == Kind.BOOK]
        genres: dict[int, int] = {}
        for genre_id in Book.genres.through.objects.filter(book_id__in=book_ids).values_list(
            "genre_id", flat=True
        ):
            genres[genre_id] = genres.get(genre_id, 0) + 1
        decades: dict[int, int] = {}
        for _, row in ranked:
            if row[1] == Kind.BOOK and row[9] is not None:
                decade = (row[9] // 10) * 10
                decades[decade] = decades.get(decade, 0) + 1
        return Facets(
            sorted(genres.items(), key=lambda kv: (-kv[1], kv[0]))[:50], sorted(decades.items())
        )

    def suggest(self, prefix, kinds, limit, viewer_id) -> list[Suggestion]:
        terms = fold(prefix).split()
        if not terms or not kinds:
            return []
        visible, visible_params = sql.visibility(viewer_id)
        kinds_sql, kinds_params = sql.kinds_clause(kinds)
        # Every word of the prefix starts a word of the title or people, popular ones first.
        likes = " AND ".join(["(d.match_text LIKE %s OR d.match_text LIKE %s)"] * len(terms))
        like_params = [p for t in terms for p in (f"{t}%", f"% {t}%")]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.kind, d.object_id, d.title, d.popularity FROM {sql.DOCS} d "  # noqa: S608 - table names and placeholders only
                f"WHERE {likes} AND {kinds_sql} AND {visible} "
                f"ORDER BY d.popularity DESC, d.id LIMIT %s",
                [*like_params, *kinds_params, *visible_params, limit],
            )
            rows = cursor.fetchall()
        suggestions = [Suggestion(k, oid, title, round(pop, 4)) for k, oid, title, pop in rows]
        if not suggestions and len(fold(prefix)) >= 3:
            # Typo tolerance when no word starts with the prefix: "tolkein" suggests Tolkien.
            ranked = self._rank(self._candidates(terms, kinds, SearchFilter(), viewer_id), terms)
            suggestions = [Suggestion(r[1], r[2], r[3], score) for score, r in ranked[:limit]]
        return suggestions
