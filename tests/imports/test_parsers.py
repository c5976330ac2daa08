"""Reading Goodreads, StoryGraph and generic CSV files into normalised rows."""

from datetime import date
from decimal import Decimal

import pytest

from apps.core.errors import Invalid
from apps.imports.formats.detect import check, detect, header_of, rows_of
from apps.imports.formats.rows import ImportRow, RowError
from apps.imports.models import ImportFormat
from apps.reading.models import ReadingStatus
from tests.imports.files import csv_text, goodreads_csv, storygraph_csv


def parse(fmt, text):
    return list(rows_of(check(fmt, header_of(text)), text))


def test_goodreads_row_quirks_are_normalised():
    text = goodreads_csv(
        [
            {
                "Title": "Dune (Dune, #1)",
                "Author": "Frank Herbert",
                "Additional Authors": "Brian Herbert, Kevin J. Anderson",
                "ISBN": '="0441013597"',
                "ISBN13": '="9780441013593"',
                "My Rating": "5",
                "Publisher": "Ace",
                "Binding": "Mass Market Paperback",
                "Number of Pages": "604",
                "Year Published": "2005",
                "Original Publication Year": "1965",
                "Date Read": "2021/03/04",
                "Date Added": "2020/01/02",
                "Bookshelves": "sci-fi, favourites, read",
                "Exclusive Shelf": "read",
                "My Review": "Spice.<br/><br/>Must flow.",
                "Spoiler": "true",
                "Private Notes": "Signed copy",
                "Read Count": "2",
                "Owned Copies": "1",
            }
        ]
    )
    [row] = parse(ImportFormat.AUTO, text)
    assert isinstance(row, ImportRow)
    assert row.row_number == 1
    assert (row.title, row.series, row.series_position) == ("Dune", "Dune", Decimal("1"))
    assert row.authors == ["Frank Herbert", "Brian Herbert", "Kevin J. Anderson"]
    assert (row.isbn10, row.isbn13) == ("0441013597", "9780441013593")
    assert row.rating == Decimal("5.0")
    assert row.status == ReadingStatus.READ
    assert row.finished_at == date(2021, 3, 4)
    assert row.date_added == date(2020, 1, 2)
    assert row.review == "Spice.\n\nMust flow."
    assert row.spoiler is True
    assert row.private_notes == "Signed copy"
    assert (row.read_count, row.owned_copies) == (2, 1)
    assert row.lists == ["sci-fi", "favourites"]  # "read" is the status, not a list
    assert (row.pages, row.year, row.original_year) == (604, 2005, 1965)
    assert row.book_format == "paperback"


def test_goodreads_empty_isbn_and_zero_rating_mean_none():
    text = goodreads_csv([{"Title": "Untitled Notes", "ISBN": '=""', "ISBN13": '=""'}])
    [row] = parse(ImportFormat.GOODREADS, text)
    assert (row.isbn10, row.isbn13, row.rating) == ("", "", None)
    assert row.status == ReadingStatus.WANT_TO_READ


@pytest.mark.parametrize(
    ("shelf", "status", "lists"),
    [
        ("currently-reading", ReadingStatus.READING, []),
        ("did-not-finish", ReadingStatus.DID_NOT_FINISH, []),
        ("abandoned", ReadingStatus.DID_NOT_FINISH, []),
        ("owned-unread", ReadingStatus.WANT_TO_READ, ["owned-unread"]),
    ],
)
def test_goodreads_exclusive_shelves(shelf, status, lists):
    [row] = parse(ImportFormat.AUTO, goodreads_csv([{"Title": "A", "Exclusive Shelf": shelf}]))
    assert row.status == status
    assert row.lists == lists


def test_goodreads_old_31_column_variant_is_read_by_name():
    text = goodreads_csv(
        [{"Title": "Old", "Condition": "Good", "BCID": "x", "My Rating": "3"}], old=True
    )
    assert detect(header_of(text)) == ImportFormat.GOODREADS
    [row] = parse(ImportFormat.AUTO, text)
    assert (row.title, row.rating) == ("Old", Decimal("3.0"))


def test_goodreads_columns_in_another_order_are_found_by_name():
    text = "Exclusive Shelf,My Rating,Title,Author,Book Id\nread,4,Emma,Jane Austen,1\n"
    [row] = parse(ImportFormat.AUTO, text)
    assert (row.title, row.authors, row.rating) == ("Emma", ["Jane Austen"], Decimal("4.0"))


def test_bad_rows_are_errors_with_their_number_and_reason():
    text = goodreads_csv(
        [
            {"Title": "Good"},
            {"Title": ""},
            {"Title": "Bad rating", "My Rating": "seven"},
            {"Title": "Bad date", "Date Read": "2020/13/45", "Exclusive Shelf": "read"},
            {"Title": "Too long " * 80},
        ]
    )
    text += "only,three,fields\n"
    result = parse(ImportFormat.AUTO, text)
    errors = {r.row_number: r.reason for r in result if isinstance(r, RowError)}
    assert [r.row_number for r in result if isinstance(r, ImportRow)] == [1]
    assert "title is empty" in errors[2]
    assert "My Rating 'seven'" in errors[3]
    assert "Date Read '2020/13/45'" in errors[4]
    assert "longer than 500" in errors[5]
    assert "3 fields" in errors[6]


def test_storygraph_row():
    text = storygraph_csv(
        [
            {
                "Title": "Piranesi",
                "Authors": "Susanna Clarke, Another Writer",
                "ISBN/UID": "9781635575637",
                "Format": "hardcover",
                "Read Status": "read",
                "Date Added": "2021/01/01",
                "Last Date Read": "2021/02/10",
                "Dates Read": "2020/05/01-2020/05/09, 2021/02/01-2021/02/10",
                "Read Count": "2",
                "Star Rating": "4.25",
                "Review": "Beautiful",
                "Tags": "fantasy, house",
                "Owned?": "Yes",
            },
            {
                "Title": "No ISBN",
                "Authors": "X",
                "ISBN/UID": "sg-1234-abcd",
                "Star Rating": "3.75",
                "Read Status": "to-read",
                "Owned?": "No",
            },
        ]
    )
    first, second = parse(ImportFormat.AUTO, text)
    assert first.authors == ["Susanna Clarke", "Another Writer"]
    assert first.isbn13 == "9781635575637"
    assert first.rating == Decimal("4.5")  # nearest half
    assert (first.started_at, first.finished_at) == (date(2021, 2, 1), date(2021, 2, 10))
    assert first.lists == ["fantasy", "house"]
    assert (first.owned_copies, first.read_count, first.book_format) == (1, 2, "hardcover")
    assert (second.isbn13, second.rating, second.owned_copies) == ("", Decimal("4.0"), 0)
    assert second.status == ReadingStatus.WANT_TO_READ


def test_generic_csv_by_any_header_spelling():
    text = csv_text(
        [
            "Title",
            "Authors",
            "ISBN13",
            "Rating",
            "Status",
            "Review",
            "Date Added",
            "date_finished",
            "Lists",
        ],
        [
            {
                "Title": "Emma",
                "Authors": "Jane Austen; Editor Person",
                "ISBN13": "",
                "Rating": "3.5",
                "Status": "read",
                "Review": "Fine",
                "Date Added": "2020-01-01",
                "date_finished": "2020-02-01",
                "Lists": "classics; re-read",
            }
        ],
    )
    [row] = parse(ImportFormat.AUTO, text)
    assert row.authors == ["Jane Austen", "Editor Person"]
    assert row.rating == Decimal("3.5")
    assert row.status == ReadingStatus.READ
    assert row.finished_at == date(2020, 2, 1)
    assert row.lists == ["classics", "re-read"]


def test_unknown_header_names_what_was_expected():
    with pytest.raises(Invalid) as error:
        detect(["Name", "Writer", "Score"])
    message = error.value.errors[0].message
    assert "Name, Writer, Score" in message
    assert "Goodreads export" in message and "StoryGraph" in message and "title" in message


def test_chosen_format_with_missing_columns_is_refused():
    with pytest.raises(Invalid) as error:
        check(ImportFormat.GOODREADS, ["Title", "Author"])
    assert "Exclusive Shelf" in error.value.errors[0].message


def test_blank_lines_are_not_rows():
    from apps.imports.formats.detect import count_records

    text = goodreads_csv([{"Title": "A"}, {"Title": "B"}]) + "\n\n"
    text = text.replace("\n1001,", "\n\n1001,", 1)
    assert count_records(text) == 2
    assert [r.row_number for r in parse(ImportFormat.AUTO, text)] == [1, 2]
