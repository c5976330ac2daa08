"""Exporting a library (Goodreads and CSV formats), and the round trip into a fresh account."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from apps.imports.export import export_link, export_text
from apps.imports.formats import goodreads
from apps.reading.models import Rating, ReadingListItem, Review, UserBook
from tests.factories import (
    make_author,
    make_book,
    make_rating,
    make_reading_list,
    make_reading_list_item,
    make_review,
    make_series,
    make_user,
    make_user_book,
)
from tests.imports.helpers import run_import

pytestmark = pytest.mark.django_db


def build_library(reader):
    herbert, anderson = make_author("Frank Herbert"), make_author("Kevin J. Anderson")
    dune = make_book(
        "Dune",
        isbn13="9780441013593",
        isbn10="0441013597",
        authors=[herbert, anderson],
        series=make_series("Dune"),
        series_position=Decimal("1"),
    )
    emma = make_book("Emma", authors=[make_author("Jane Austen")])  # no ISBN
    mort = make_book("Mort", isbn13="9780552131063", authors=[make_author("Terry Pratchett")])
    hobbit = make_book("The Hobbit", isbn13="9780261102217", authors=[make_author("Tolkien")])
    lone = make_book("Only Rated", isbn13="9780140449136")
    wanted = make_book("Wanted", isbn13="9780316769488")
    make_user_book(
        reader,
        dune,
        status="read",
        finished_at=date(2021, 3, 4),
        read_count=2,
        owned_copies=1,
        private_notes="Signed",
    )
    make_user_book(reader, emma, status="reading", started_at=date(2024, 1, 2))
    make_user_book(
        reader,
        mort,
        status="did_not_finish",
        started_at=date(2022, 5, 1),
        finished_at=date(2022, 6, 1),
    )
    make_user_book(reader, hobbit, status="paused", started_at=date(2023, 7, 7), owned_copies=3)
    make_user_book(reader, wanted, status="want_to_read")
    make_rating(reader, dune, value=Decimal("4.5"))
    make_rating(reader, mort, value=Decimal("1"))
    make_rating(reader, lone, value=Decimal("3"))
    make_review(reader, dune, body='Spice.\n\nMust flow, "always".', spoiler=True)
    make_review(reader, emma, body="Clever, funny")
    favourites = make_reading_list(reader, name="Favourites")
    make_reading_list_item(favourites, dune, position=1)
    make_reading_list_item(favourites, hobbit, position=2)
    make_reading_list_item(make_reading_list(reader, name="sci-fi"), dune, position=1)


def snapshot(reader, *, with_started: bool = True) -> dict:
    entries = {
        e.book_id: (
            e.status,
            e.started_at if with_started else None,
            e.finished_at,
            e.read_count,
            e.owned_copies,
            e.private_notes,
        )
        for e in UserBook.objects.filter(user=reader)
    }
    return {
        "entries": entries,
        "ratings": dict(Rating.objects.filter(user=reader).values_list("book_id", "value")),
        "reviews": {r.book_id: (r.body, r.spoiler) for r in Review.objects.filter(user=reader)},
        "lists": {
            (item.reading_list.name, item.book_id)
            for item in ReadingListItem.objects.filter(reading_list__owner=reader).select_related(
                "reading_list"
            )
        },
    }


@pytest.mark.parametrize(("fmt", "with_started"), [("goodreads", False), ("csv", True)])
def test_round_trip_into_a_fresh_account_gives_the_same_library(
    fmt, with_started, django_capture_on_commit_callbacks
):
    original, fresh = make_user(), make_user()
    build_library(original)
    text = export_text(original, fmt)
    job = run_import(django_capture_on_commit_callbacks, fresh, text)
    assert job.failed_count == 0, list(job.row_errors.values_list("reason", flat=True))
    assert job.format == ("goodreads" if fmt == "goodreads" else "csv")
    assert snapshot(fresh, with_started=with_started) == snapshot(
        original, with_started=with_started
    )
    assert (job.created_count, job.processed_rows) == (6, 6)


def test_goodreads_export_has_goodreads_columns_and_quirks():
    reader = make_user()
    build_library(reader)
    rows = list(csv.DictReader(io.StringIO(export_text(reader, "goodreads"))))
    assert list(rows[0]) == goodreads.COLUMNS
    dune = next(row for row in rows if row["Title"] == "Dune (Dune, #1)")
    assert (dune["ISBN"], dune["ISBN13"]) == ('="0441013597"', '="9780441013593"')
    assert (dune["Author"], dune["Additional Authors"]) == ("Frank Herbert", "Kevin J. Anderson")
    assert dune["Date Read"] == "2021/03/04"
    assert dune["My Review"] == 'Spice.<br/><br/>Must flow, "always".'
    assert dune["Exclusive Shelf"] == "read"
    assert dune["Bookshelves"] == "Favourites, sci-fi"


def test_export_link_downloads_the_owners_library(client):
    reader = make_user()
    build_library(reader)
    response = client.get(export_link(reader, "goodreads"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert "Dune (Dune, #1)" in response.content.decode()
    assert client.get(export_link(reader, "goodreads")[:-3] + "abc").status_code == 404


def test_export_link_expires(client, settings):
    settings.EXPORT_LINK_MAX_AGE = -1
    assert client.get(export_link(make_user(), "csv")).status_code == 404
