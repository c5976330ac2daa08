"""`manage.py import_catalog`: a goodbooks-10k books.csv becomes books, authors and series."""

import csv
import io
from decimal import Decimal
from itertools import islice

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from apps.catalog.isbn import is_valid_isbn13
from apps.catalog.models import Author, Book, BookAuthor, Series

HEADER_LINE = (
    "book_id,goodreads_book_id,best_book_id,work_id,books_count,isbn,isbn13,authors,"
    "original_publication_year,original_title,title,language_code,average_rating,ratings_count,"
    "work_ratings_count,work_text_reviews_count,ratings_1,ratings_2,ratings_3,ratings_4,"
    "ratings_5,image_url,small_image_url"
)
HEADER = HEADER_LINE.split(",")


def row(goodreads_id, title, authors="Suzanne Collins", **values) -> dict:
    """A books.csv row; columns the importer ignores get plausible filler."""
    base = dict.fromkeys(HEADER, "1")
    base |= {"goodreads_book_id": str(goodreads_id), "title": title, "authors": authors}
    base |= {"isbn": "", "isbn13": "", "original_publication_year": "2000.0"}
    base |= {"original_title": "", "language_code": "eng", "ratings_count": "10"}
    return base | values


def write_csv(path, rows) -> str:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return str(path)


def run(path, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_catalog", str(path), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def summary(out: str) -> dict[str, int]:
    """The summary's counters: {"books created": 3, ...}."""
    lines = [line.strip().rsplit(":", 1) for line in out.splitlines() if line.startswith("  ")]
    return {name: float(value) if "." in value else int(value) for name, value in lines}


def table_counts() -> tuple[int, int, int, int]:
    return (
        Book.objects.count(),
        Author.objects.count(),
        Series.objects.count(),
        BookAuthor.objects.count(),
    )


QUIRKY_ROWS = [
    row(
        2767052,
        "The Hunger Games (The Hunger Games, #1)",
        isbn="439023483",  # lost its leading zero
        isbn13="9.78043902348e+12",  # lost its last digit
        original_publication_year="2008.0",
        original_title="The Hunger Games",
        ratings_count="4780653",
        average_rating="4.34",
    ),
    row(
        6148028,
        "Catching Fire (The Hunger Games, #2)",
        authors="Suzanne  Collins",
        isbn13="9.78043902349e+12",  # without an ISBN-10 there is nothing to trust
    ),
    row(
        3,
        "Harry Potter and the Sorcerer's Stone (Harry Potter, #1)",
        authors="J.K. Rowling, Mary GrandPré",
        isbn="043965548X",
        language_code="en-US",
    ),
    row(1371, "The Iliad", authors="Homer, Robert Fagles", original_publication_year="-750.0"),
    row(7, "Anonymous Book", original_publication_year="", language_code=""),
    row(8, "Shōgun (Asian Saga, #1)", authors="James Clavell", language_code="spa"),
    row(9, "I Am America (And So Can You!)", authors="Stephen Colbert, J.K. Rowling"),
    row(10, "The Hunger Games Trilogy Boxset (The Hunger Games, #1-3)"),
    row(
        11, "The Slow Regard of Silent Things (The Kingkiller Chronicle, #2.5)", language_code="tlh"
    ),
    row(12, "", original_title="Original Title Only"),
]


@pytest.mark.django_db
def test_import_catalog_stores_cleaned_values(tmp_path):
    out, err = run(write_csv(tmp_path / "books.csv", QUIRKY_ROWS), batch_size=3)

    counts = summary(out)
    assert counts["books created"] == 10
    assert counts["rows failed"] == 0
    assert counts["authors created"] == 7  # Collins once, Rowling once across rows and batches
    assert err == ""
    hunger = Book.objects.get(goodreads_id="2767052")
    assert (hunger.title, hunger.series.name, hunger.series_position) == (
        "The Hunger Games",
        "The Hunger Games",
        Decimal("1"),
    )
    assert (hunger.isbn10, hunger.isbn13) == ("0439023483", "9780439023481")
    assert hunger.original_publication_year == 2008
    assert hunger.language == "en"
    assert hunger.source_ratings_count == 4780653
    assert (hunger.ratings_count, hunger.average_rating) == (0, Decimal("0"))  # BookNest's own
    fire = Book.objects.get(title="Catching Fire")
    assert (fire.series_id, fire.series_position) == (hunger.series_id, Decimal("2"))
    assert (fire.isbn10, fire.isbn13) == ("", "")
    potter = Book.objects.get(goodreads_id="3")
    assert (potter.isbn10, potter.isbn13, potter.language) == (
        "043965548X",
        "9780439655484",
        "en-US",
    )
    assert list(potter.contributions.values_list("author__name", "position", "role")) == [
        ("J.K. Rowling", 0, "author"),
        ("Mary GrandPré", 1, "author"),
    ]
    assert Book.objects.get(title="The Iliad").original_publication_year == -750
    anonymous = Book.objects.get(title="Anonymous Book")
    assert (anonymous.original_publication_year, anonymous.language) == (None, "")
    assert Book.objects.get(goodreads_id="8").title == "Shōgun"
    assert Book.objects.get(goodreads_id="8").language == "es"
    assert Book.objects.filter(title="I Am America (And So Can You!)", series=None).exists()
    boxset = Book.objects.get(goodreads_id="10")
    assert (boxset.series_id, boxset.series_position) == (hunger.series_id, None)
    slow_regard = Book.objects.get(goodreads_id="11")
    assert (slow_regard.series_position, slow_regard.language) == (Decimal("2.5"), "tlh")
    assert Book.objects.get(goodreads_id="12").title == "Original Title Only"
    assert Author.objects.filter(name_key="suzannecollins").count() == 1
    assert Author.objects.get(name="J.K. Rowling").sort_name == "Rowling, J.K."
    assert Series.objects.filter(name="The Hunger Games").count() == 1


@pytest.mark.django_db
def test_import_catalog_is_idempotent_and_applies_updates(tmp_path):
    path = write_csv(tmp_path / "books.csv", QUIRKY_ROWS)
    run(path)
    before = table_counts()

    out, _ = run(path, batch_size=4)

    assert table_counts() == before
    assert summary(out)["books unchanged"] == 10
    assert summary(out)["books created"] == summary(out)["books updated"] == 0
    assert summary(out)["authors created"] == 0

    changed = [dict(r) for r in QUIRKY_ROWS]
    changed[0] |= {"ratings_count": "5000000", "language_code": "en-GB"}
    changed[2] |= {"authors": "Mary GrandPré, J.K. Rowling, New Person"}
    changed[3] |= {"title": "The Iliad (Epic Cycle, #1)"}
    out, _ = run(write_csv(tmp_path / "newer.csv", changed))

    assert summary(out)["books updated"] == 3
    assert summary(out)["books unchanged"] == 7
    assert summary(out)["authors created"] == 1
    assert Book.objects.count() == before[0]
    hunger = Book.objects.get(goodreads_id="2767052")
    assert (hunger.source_ratings_count, hunger.language) == (5000000, "en-GB")
    potter = Book.objects.get(goodreads_id="3")
    assert list(potter.contributions.values_list("author__name", "position")) == [
        ("Mary GrandPré", 0),
        ("J.K. Rowling", 1),
        ("New Person", 2),
    ]
    iliad = Book.objects.get(goodreads_id="1371")
    assert (iliad.title, iliad.series.name, iliad.series_position) == (
        "The Iliad",
        "Epic Cycle",
        1,
    )


@pytest.mark.django_db
def test_import_catalog_reports_bad_rows_and_imports_the_rest(tmp_path):
    rows = [
        row(1, "Good Book", isbn="439023483"),
        row(2, "", original_title=""),
        row(3, "Bad Year", original_publication_year="nineteen"),
        row(4, "Half Year", original_publication_year="2008.5"),
        row(5, "Bad Count", ratings_count="-3"),
        row(6, "T" * 501),
        row(7, "Nul\x00 Title", authors="Nul\x00 Author"),
        row(1, "Same Goodreads Id"),
        row(9, "Same ISBN", isbn="0439023483"),
        row(10, "Bad Check Digit", isbn="439023484"),
        row(11, "Long Language", language_code="x" * 41),
    ]
    path = write_csv(tmp_path / "books.csv", rows)

    out, err = run(path, batch_size=4)

    assert err.splitlines() == [
        "row 2 (line 3): error: missing title (title and original_title are empty)",
        "row 3 (line 4): error: original_publication_year 'nineteen' is not a number",
        "row 4 (line 5): error: original_publication_year '2008.5' is not a whole number",
        "row 5 (line 6): error: ratings_count '-3' is out of range (0 to 2147483647)",
        "row 6 (line 7): error: title is 501 characters long, over the 500 allowed",
        "row 8 (line 9): error: goodreads_book_id 1 repeats row 1",
        "row 9 (line 10): warning: ISBN 9780439023481 repeats row 1; imported without it",
        "row 10 (line 11): warning: ISBN '439023484' fails its check digit; imported without it",
        "row 11 (line 12): warning: language code 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…'"
        " is not a language tag",
    ]
    counts = summary(out)
    assert (counts["books created"], counts["rows failed"], counts["warnings"]) == (5, 6, 3)
    assert "row numbers count data rows from 1" in out
    assert set(Book.objects.values_list("goodreads_id", flat=True)) == {"1", "7", "9", "10", "11"}
    assert Book.objects.get(goodreads_id="7").title == "Nul Title"
    assert Author.objects.filter(name="Nul Author").exists()
    assert Book.objects.get(goodreads_id="9").isbn13 == ""
    assert Book.objects.get(goodreads_id="1").isbn13 == "9780439023481"
    assert not Book.objects.filter(authors=None).exists()


@pytest.mark.django_db
def test_import_catalog_counts_lines_apart_from_rows_and_survives_huge_fields(tmp_path):
    rows = [
        row(1, "Two\nLines"),
        row(2, "X" * 200_000),  # over the csv module's field limit
        row(3, "After", authors="A" * 300),
        row(4, "Last"),
    ]

    out, err = run(write_csv(tmp_path / "books.csv", rows))

    assert err.splitlines()[0].startswith("row 2 (line 4): error: unreadable CSV: field larger")
    assert err.splitlines()[1] == (
        "row 3 (line 5): error: author name is 300 characters long, over the 255"
    )
    assert summary(out)["books created"] == 2
    assert Book.objects.get(goodreads_id="1").title == "Two Lines"


@pytest.mark.django_db
def test_import_catalog_matches_books_and_authors_already_in_the_catalogue(tmp_path):
    rowling = Author.objects.create(name="J. K. Rowling")
    by_isbn = Book.objects.create(title="Old Title", isbn10="0439023483", isbn13="9780439023481")
    owner = Book.objects.create(title="Owner", goodreads_id="999", isbn13="9780439655484")
    rows = [
        row(1, "The Hunger Games", isbn="439023483"),
        row(2, "Philosopher's Stone", authors="J.K. Rowling", isbn="043965548X"),
    ]

    out, err = run(write_csv(tmp_path / "books.csv", rows))

    by_isbn.refresh_from_db()
    assert (by_isbn.title, by_isbn.goodreads_id) == ("The Hunger Games", "1")
    stone = Book.objects.get(goodreads_id="2")
    assert stone.isbn13 == ""
    assert f"row 2 (line 3): warning: ISBN 9780439655484 already belongs to book {owner.pk}" in err
    assert list(stone.authors.all()) == [rowling]
    counts = summary(out)
    assert (counts["books created"], counts["books updated"], counts["authors created"]) == (
        1,
        1,
        1,
    )


@pytest.mark.django_db
def test_import_catalog_never_leaves_a_book_without_its_authors(tmp_path, monkeypatch):
    real_bulk_create = BookAuthor.objects.bulk_create

    def refuse_cursed(links, *args, **kwargs):
        if Book.objects.filter(pk__in=[link.book_id for link in links], title="Cursed").exists():
            raise IntegrityError("the database refused the cursed book's authors")
        return real_bulk_create(links, *args, **kwargs)

    monkeypatch.setattr(BookAuthor.objects, "bulk_create", refuse_cursed)
    rows = [row(1, "Fine"), row(2, "Cursed", authors="Unlucky Writer"), row(3, "Also Fine")]

    out, err = run(write_csv(tmp_path / "books.csv", rows))

    assert err.strip() == (
        "row 2 (line 3): error: not saved: the database refused the cursed book's authors"
    )
    assert sorted(Book.objects.values_list("title", flat=True)) == ["Also Fine", "Fine"]
    assert not Author.objects.filter(name="Unlucky Writer").exists()
    assert not Book.objects.filter(authors=None).exists()
    counts = summary(out)
    assert (counts["books created"], counts["rows failed"], counts["authors created"]) == (2, 1, 1)


@pytest.mark.django_db
def test_import_catalog_refuses_what_is_not_a_catalogue(tmp_path):
    with pytest.raises(CommandError, match="cannot open"):
        run(tmp_path / "missing.csv")
    other = tmp_path / "other.csv"
    other.write_text("user_id,book_id,rating\n1,2,5\n")
    with pytest.raises(CommandError, match="no column goodreads_book_id"):
        run(other)
    with pytest.raises(CommandError, match="batch-size"):
        run(write_csv(tmp_path / "books.csv", QUIRKY_ROWS), batch_size=0)
    assert Book.objects.count() == 0


@pytest.mark.data
@pytest.mark.django_db
def test_import_catalog_reads_the_real_goodbooks_file(tmp_path, shared_data):
    source = shared_data / "goodbooks-10k" / "books.csv"
    sample = tmp_path / "books-500.csv"
    with source.open(encoding="utf-8", newline="") as handle:
        lines = list(islice(handle, 501))
    assert lines[0].strip() == HEADER_LINE
    sample.write_text("".join(lines), encoding="utf-8")

    out, err = run(sample)
    again, _ = run(sample)

    assert summary(out)["books created"] == 500
    assert summary(again)["books unchanged"] == 500
    assert Book.objects.count() == 500
    assert "error" not in err
    fire = Book.objects.get(title="Catching Fire")
    assert (fire.series.name, fire.series_position) == ("The Hunger Games", 2)
    hunger = Book.objects.get(title="The Hunger Games")
    assert (hunger.isbn10, hunger.isbn13) == ("0439023483", "9780439023481")
    isbn13s = list(Book.objects.exclude(isbn13="").values_list("isbn13", flat=True))
    assert len(isbn13s) > 400
    assert all(is_valid_isbn13(value) for value in isbn13s)
    assert Book.objects.filter(original_publication_year__lt=0).exists()
    assert not Book.objects.filter(authors=None).exists()


@pytest.mark.django_db
def test_import_catalog_makes_the_books_searchable(tmp_path, gql):
    path = write_csv(
        tmp_path / "books.csv", [row(2767052, "The Hunger Games (The Hunger Games, #1)")]
    )
    run(path)
    hits = gql(
        '{ search(query: "hunger games", types: [BOOK], first: 1) '
        "{ edges { node { ... on Book { title } } } } }"
    )["data"]["search"]["edges"]
    assert [hit["node"]["title"] for hit in hits] == ["The Hunger Games"]
