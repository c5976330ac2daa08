"""A book's traits stay exact when readers tag it at the same moment (real transactions)."""

import threading

import pytest
from django.db import close_old_connections, connection

from apps.impressions.models import BookTraitMood, BookTraitVote, ContentWarning
from apps.impressions.traits import WarningInput, book_traits, set_book_traits
from apps.reading.models import ReadingStatus
from tests.factories import make_book, make_user, make_user_book


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises all writers on one database lock: nothing to race",
)
def test_concurrent_tags_of_one_book_leave_exact_traits():
    """8 readers tag one book at once, each twice over from two threads (a double submit)."""
    ContentWarning.objects.get_or_create(name="Violence")
    book = make_book()
    readers = [make_user() for _ in range(8)]
    for reader in readers:
        make_user_book(reader, book, status=ReadingStatus.READ)
    barrier = threading.Barrier(2 * len(readers))
    failures: list[BaseException] = []

    def tag(reader, index):
        try:
            barrier.wait(timeout=10)
            for moods in (["sad"], ["dark", "tense"] if index % 2 else ["funny"]):
                set_book_traits(
                    reader,
                    book.pk,
                    moods=moods,
                    pace="fast" if index % 4 else "slow",
                    warnings=[WarningInput("Violence", "graphic")] if index < 3 else [],
                )
        except BaseException as exc:
            failures.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [
        threading.Thread(target=tag, args=(reader, index))
        for index, reader in enumerate(readers)
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    assert BookTraitVote.objects.filter(book=book).count() == 8
    assert BookTraitMood.objects.filter(book=book).count() == 4 * 2 + 4  # odd: 2, even: 1
    traits = book_traits([book.pk])[book.pk]
    assert traits.voters == 8
    assert traits.moods[:3] == [("dark", 0.5), ("funny", 0.5), ("tense", 0.5)]
    assert {share for _, share in traits.moods[3:]} == {0}
    assert traits.pace == [("fast", 0.75), ("slow", 0.25), ("medium", 0)]
    assert traits.warnings == [("Violence", "graphic", 3)]
