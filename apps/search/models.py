"""The search document: one denormalised row per searchable object, kept up to date after commit.

Books, authors, readers, reading lists and quotes are flattened into the same shape so one query ranks
them together. Text is stored as written (for highlights); matching uses folded text
(`match_text`) and, on PostgreSQL, the weighted `vector` (A title, B people and series,
C subtitle, D description). The PostgreSQL-only indexes (GIN on `vector`, trigram GIN on
`match_text` and `prefix_vector`) and the SQLite FTS5 table live in the migrations.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from apps.core.models import Privacy


class Kind(models.TextChoices):
    BOOK = "book", "Book"
    AUTHOR = "author", "Author"
    USER = "user", "User"
    LIST = "list", "Reading list"
    QUOTE = "quote", "Quote"


class SearchDocument(models.Model):
    kind = models.CharField(max_length=8, choices=Kind.choices)
    object_id = models.BigIntegerField()
    title = models.TextField()
    people = models.TextField(blank=True, help_text="Authors and series (books), owner (lists)")
    subtitle = models.TextField(blank=True)
    body = models.TextField(blank=True, help_text="Description, biography")
    match_text = models.TextField(help_text="Folded title and people, for typos and prefixes")
    popularity = models.FloatField(default=0, help_text="ln(1 + ratings), or a kind's equivalent")
    # Who may find it: users and lists follow their owner's privacy, filtered per viewer.
    owner_id = models.BigIntegerField(null=True, blank=True)
    privacy = models.CharField(max_length=10, choices=Privacy.choices, default=Privacy.PUBLIC)
    # Book filters and facets.
    language = models.CharField(max_length=16, blank=True)
    year = models.SmallIntegerField(null=True, blank=True)
    rating = models.FloatField(default=0)
    isbns = models.CharField(max_length=30, blank=True)
    # PostgreSQL only; an unused column on SQLite.
    vector = SearchVectorField(null=True)
    prefix_vector = SearchVectorField(null=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_once"),
        ]
        indexes = [models.Index(fields=["kind", "-popularity"], name="search_kind_popularity")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"
