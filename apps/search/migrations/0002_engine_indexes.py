"""Engine-specific structures, created only on the database they belong to.

PostgreSQL: the `unaccent` and `pg_trgm` extensions (contrib; creating them needs a role
allowed to, e.g. the database owner on PostgreSQL 13+ for trusted extensions, or a superuser),
GIN indexes on the weighted and the prefix vectors, and a trigram GIN index on `match_text`.
SQLite: an FTS5 table with the trigram tokenizer (SQLite 3.34+) for typo-tolerant candidates;
on an older SQLite the engine falls back to LIKE + difflib and no table is created.
"""

import sqlite3

from django.db import migrations

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # fastupdate off: a document is in the index as soon as it is written, and the planner does
    # not shy away from the index for fear of a long pending list (then a 90 ms sequential scan).
    "CREATE INDEX IF NOT EXISTS search_doc_vector ON search_searchdocument USING gin (vector) "
    "WITH (fastupdate = off)",
    "CREATE INDEX IF NOT EXISTS search_doc_prefix ON search_searchdocument "
    "USING gin (prefix_vector) WITH (fastupdate = off)",
    "CREATE INDEX IF NOT EXISTS search_doc_trgm ON search_searchdocument "
    "USING gin (match_text gin_trgm_ops) WITH (fastupdate = off)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_doc_vector",
    "DROP INDEX IF EXISTS search_doc_prefix",
    "DROP INDEX IF EXISTS search_doc_trgm",
]
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(match, extra, tokenize='trigram')"
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS search_fts"]


def sqlite_has_trigram() -> bool:
    return tuple(int(p) for p in sqlite3.sqlite_version.split(".")[:2]) >= (3, 34)


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite" and not sqlite_has_trigram():
            return
        for statement in statements_by_vendor.get(vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
