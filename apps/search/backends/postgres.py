"""PostgreSQL engine: weighted full text (English) plus pg_trgm word similarity, one ranking.

A document matches when its weighted vector matches any query word (the last one as a prefix)
or when the query is word-similar to its folded title + people (typos: "harry poter",
"tolkein"). The score adds both signals and a little popularity, so a famous book ranks
ahead of an obscure one with the same text match. Indexes: GIN on `vector` and
`prefix_vector`, trigram GIN on `match_text` (see the migrations).
"""

from contextlib import contextmanager

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

MAX_TERMS = 12
# Minimum word similarity for a typo match: low enough for "hunger gmes", high enough to
# keep the candidate set (and the time) small.
WORD_SIMILARITY_THRESHOLD = 0.45
W_SIMILARITY = 1.0
W_TEXT = 0.6
W_POPULARITY = 0.035

VECTOR_SQL = """
UPDATE search_searchdocument SET
  vector = setweight(to_tsvector('english', unaccent(title)), 'A')
        || setweight(to_tsvector('english', unaccent(people)), 'B')
        || setweight(to_tsvector('english', unaccent(subtitle)), 'C')
        || setweight(to_tsvector('english', unaccent(body)), 'D'),
  prefix_vector = to_tsvector('simple', match_text)
WHERE kind = %s AND object_id = ANY(%s)
"""


GIN_INDEXES = ("search_doc_vector", "search_doc_prefix", "search_doc_trgm")


@contextmanager
def bulk_load():
    """Fast full rebuilds: GIN indexes collect entries in their pending list meanwhile, which
    is merged once at the end; the planner then gets fresh statistics.

    A rebuild writes each row at least twice (the document, then its vectors); outside a
    transaction the dead versions are vacuumed away at once. Otherwise the searches right after
    it visit them, through the trigram index's entries for them, until autovacuum comes by (the
    bench, after an import and a rebuild: 3 dead rows a live one, and "john green" read 2,366
    trigram candidates on 1,551 heap pages instead of 602 on 414)."""
    with connection.cursor() as cursor:
        for index in GIN_INDEXES:
            cursor.execute(f"ALTER INDEX {index} SET (fastupdate = on)")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for index in GIN_INDEXES:
                cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
                cursor.execute(f"ALTER INDEX {index} SET (fastupdate = off)")
            vacuum = "" if connection.in_atomic_block else "VACUUM "
            cursor.execute(f"{vacuum}ANALYZE search_searchdocument")


def refresh_vectors(kind: str, object_ids: list[int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(VECTOR_SQL, [kind, list(object_ids)])


def tsquery(terms: list[str]) -> str:
    """`'harry' | 'poter':*` — any word matches; ranking rewards matching more of them.

    The last word is a prefix ("still typing") from three letters on: "w":* would match
    thousands of documents.
    """
    quoted = [f"'{term}'" for term in terms[:MAX_TERMS] if len(term) > 1 or term.isdigit()]
    if quoted and len(terms[-1]) >= 3:
        quoted[-1] += ":*"
    return " | ".join(quoted)  # empty: matches nothing (the trigram match may still)


def run_with_threshold(cursor, *statements: tuple[str, list]) -> list[list[tuple]]:
    """The rows of each (sql, params) statement, run in one round trip after setting the word
    similarity threshold their `%>` filters use.

    The threshold is set for the transaction only (never for the pooled connection): the
    statements of one simple query (Django binds parameters on the client) are one transaction,
    or part of the atomic block around them.
    """
    cursor.execute(
        "; ".join(
            [
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
                *(statement for statement, _ in statements),
            ]
        ),
        [str(WORD_SIMILARITY_THRESHOLD), *(p for _, params in statements for p in params)],
    )
    results = []
    for _ in statements:
        cursor.nextset()
        results.append(cursor.fetchall())
    return results


def facets_of(genre_rows, decade_rows) -> Facets:
    return Facets(list(genre_rows), [(int(decade), n) for decade, n in decade_rows])


def significant(terms: list[str]) -> str:
    """The query for trigram matching: without stop words, whose common trigrams ("the")
    would make the index return most of the table for the recheck."""
    kept = [term for term in terms if term not in STOPWORDS]
    return " ".join(kept or terms)


class PostgresEngine(SearchEngine):
    name = "postgresql"

    def _where(self, folded, kinds, filters, viewer_id):
        clauses = ["(d.vector @@ q.tsq OR d.match_text %%> %s)"]
        params: list = [folded]
        for clause, clause_params in (
            sql.kinds_clause(kinds),
            sql.visibility(viewer_id),
        ):
            clauses.append(clause)
            params += clause_params
        filter_clauses, filter_params = sql.book_filters(filters)
        return clauses + filter_clauses, params + filter_params

    def search(self, query, kinds, filters: SearchFilter, first, after, viewer_id, *, facets=False):
        if filters.active:
            kinds = [Kind.BOOK] if Kind.BOOK in kinds else []
        if not kinds:
            return SearchPage([], 0, Facets() if facets else None)
        isbn13 = as_isbn13(query)
        if isbn13 and (page := isbn_page(isbn13, kinds)) is not None:
            return page
        terms = fold(query).split()
        folded = significant(terms)
        where, where_params = self._where(folded, kinds, filters, viewer_id)
        from_sql = f"FROM {sql.DOCS} d, to_tsquery('english', %s) AS q(tsq)"
        ranked = (
            f"SELECT d.kind, d.object_id, d.title, d.people, d.subtitle, d.body, "
            f"({W_SIMILARITY} * word_similarity(%s, d.match_text) "
            f"+ {W_TEXT} * ts_rank(d.vector, q.tsq, 32) "
            f"+ {W_POPULARITY} * d.popularity) AS score, COUNT(*) OVER () AS total "
            f"{from_sql} WHERE {' AND '.join(where)} "
            f"ORDER BY score DESC, d.id LIMIT %s OFFSET %s"
        )
        params = [folded, tsquery(terms), *where_params, first, after]
        matched = (from_sql, where, where_params, terms)
        statements = [(ranked, params)]
        if facets and Kind.BOOK in kinds:
            statements += self._facet_statements(*matched)
        with connection.cursor() as cursor:
            rows, *facet_rows = run_with_threshold(cursor, *statements)
            total = rows[0][7] if rows else self._count(cursor, *matched)
        page_facets = None
        if facets:
            page_facets = facets_of(*facet_rows) if facet_rows else Facets()
        hits = []
        for kind, object_id, title, people, subtitle, body, score, _ in rows:
            row = {"title": title, "people": people, "subtitle": subtitle, "body": body}
            hits.append(Hit(kind, object_id, round(score, 4), highlights_of(kind, row, query)))
        return SearchPage(hits, min(total, RESULT_WINDOW), page_facets)

    def _count(self, cursor, from_sql, where, where_params, terms) -> int:
        (rows,) = run_with_threshold(
            cursor,
            (
                f"SELECT COUNT(*) {from_sql} WHERE {' AND '.join(where)}",
                [tsquery(terms), *where_params],
            ),
        )
        return rows[0][0]

    def _facet_statements(self, from_sql, where, where_params, terms) -> list[tuple[str, list]]:
        matched = f"SELECT d.object_id {from_sql} WHERE {' AND '.join(where)} AND d.kind = 'book'"
        return list(sql.facet_queries(matched, [tsquery(terms), *where_params]))

    def suggest(self, prefix, kinds, limit, viewer_id) -> list[Suggestion]:
        terms = fold(prefix).split()
        if not terms or not kinds:
            return []
        visible, visible_params = sql.visibility(viewer_id)
        kinds_sql, kinds_params = sql.kinds_clause(kinds)
        # Every word of the prefix starts a word of the title or people, popular ones first.
        words = " & ".join(f"'{term}'" for term in terms[:MAX_TERMS]) + ":*"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.kind, d.object_id, d.title, d.popularity FROM {sql.DOCS} d "  # noqa: S608 - table names and placeholders only
                f"WHERE d.prefix_vector @@ to_tsquery('simple', %s) AND {kinds_sql} "
                f"AND {visible} ORDER BY d.popularity DESC, d.id LIMIT %s",
                [words, *kinds_params, *visible_params, limit],
            )
            rows = cursor.fetchall()
            if not rows and len(fold(prefix)) >= 3:
                rows = self._similar(cursor, fold(prefix), kinds, limit, viewer_id)
        return [Suggestion(kind, oid, title, round(pop, 4)) for kind, oid, title, pop in rows]

    def _similar(self, cursor, folded, kinds, limit, viewer_id):
        """Typo tolerance when no word starts with the prefix: "tolkein" suggests Tolkien."""
        visible, visible_params = sql.visibility(viewer_id)
        kinds_sql, kinds_params = sql.kinds_clause(kinds)
        (rows,) = run_with_threshold(
            cursor,
            (
                f"SELECT d.kind, d.object_id, d.title, d.popularity FROM {sql.DOCS} d "  # noqa: S608 - table names and placeholders only
                f"WHERE d.match_text %%> %s AND {kinds_sql} AND {visible} "
                f"ORDER BY word_similarity(%s, d.match_text) + {W_POPULARITY} * d.popularity "
                f"DESC, d.id LIMIT %s",
                [folded, *kinds_params, *visible_params, folded, limit],
            ),
        )
        return rows
