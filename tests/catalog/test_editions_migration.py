"""The editions data migration on a copy of the demo world: forwards every book gets one
default edition from its own fields, nothing lost; backwards the books keep (or get back) their
fields and the editions go; forwards again gives the same editions."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from apps.catalog.models import EDITION_FIELDS_ON_BOOK, Book, Edition

BEFORE = [("catalog", "0005_editions")]  # the schema with editions, before the data
FIELDS = ["id", "title", *[f for f in EDITION_FIELDS_ON_BOOK if f != "cover"], "cover"]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def books() -> list[tuple]:
    return list(Book.objects.order_by("pk").values_list(*FIELDS))


BACK = [
    ("reading", "0002_remove_readinggoal_reading_goal_has_target_and_more"),
    ("lending", "0003_reservation_reminders"),
    *BEFORE,
]


@pytest.mark.django_db(transaction=True)
def test_editions_migration_forwards_and_backwards_on_the_demo_world():
    call_command("seed_demo", verbosity=0)
    try:
        # The world as it was before editions, with every kind of value a book may hold.
        migrate(BACK)
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM catalog_edition")
        first = Book.objects.order_by("pk").first()
        Book.objects.filter(pk=first.pk).update(
            openlibrary_id="OL7353617M",
            cover="covers/1/dune.jpg",
            format="hardcover",
            publisher="Scholastic",
            publication_year=2008,
            subtitle="Book one",
        )
        Book.objects.filter(pk=first.pk + 1).update(openlibrary_id="OL27448W")
        seeded = books()
        # Forwards: one default edition per book, carrying exactly the book's fields.
        migrate(latest())
        assert Edition.objects.count() == Book.objects.count() == len(seeded)
        assert Edition.objects.filter(is_default=True).count() == len(seeded)
        by_book = {e.book_id: e for e in Edition.objects.all()}
        for row in seeded:
            edition = by_book[row[0]]
            assert edition.title == row[1]
            assert tuple(getattr(edition, f) for f in FIELDS[2:]) == row[2:]
        assert by_book[first.pk].openlibrary_id == "OL7353617M"
        assert by_book[first.pk + 1].openlibrary_id == ""  # a work's key is no edition's
        assert books() == seeded
        # Backwards: the books hold what they held, the editions are gone.
        migrate(BACK)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM catalog_edition")
            assert cursor.fetchone()[0] == 0
        assert books() == seeded
    finally:
        migrate(latest())
    assert Edition.objects.filter(is_default=True).count() == Book.objects.count()
