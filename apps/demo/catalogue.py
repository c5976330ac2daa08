"""The demo catalogue: ~300 real books, their authors, series and genres, from the fixtures.

The fixtures (`fixtures/books.csv`, `fixtures/genres.csv`) are already clean (see
`fixtures/README.md`), so this module only writes them: genres are matched by slug, series and
authors by their `name_key` (the key imports use, so an imported "J. R. R. Tolkien" is the
demo's "J.R.R. Tolkien"), books by `goodreads_id` then ISBN-13. Existing rows are updated in
place and a book's authors and genres are replaced by the fixture's, so a rebuild converges on
the fixture without duplicating anything. Everything is written in bulk: ~15 queries in all.
"""

import csv
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from apps.catalog.models import Author, AuthorRole, Book, BookAuthor, Genre, Series, sort_name_for
from apps.core.text import name_key
from apps.demo.bulk import update_rows

FIXTURES = Path(__file__).resolve().parent / "fixtures"
BOOK_FIELDS = [
    "title",
    "series",
    "series_position",
    "isbn10",
    "isbn13",
    "original_publication_year",
    "language",
    "pages",
    "goodreads_id",
    "source_ratings_count",
]


@dataclass(frozen=True)
class DemoBook:
    """A catalogue book as the rest of the demo sees it: the row, its genres and authors."""

    book: Book
    genres: tuple[str, ...]
    authors: tuple[str, ...]

    @property
    def pages(self) -> int | None:
        return self.book.pages


@dataclass
class Catalogue:
    books: list[DemoBook]  # in fixture order: the order every random choice is made in
    genres: dict[str, Genre]


def read_rows(name: str) -> list[dict[str, str]]:
    with (FIXTURES / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _split(value: str) -> list[str]:
    return [part for part in value.split("|") if part]


def build_catalogue() -> Catalogue:
    genres = _save_genres(read_rows("genres.csv"))
    rows = read_rows("books.csv")
    series = _save_series({row["series"] for row in rows if row["series"]})
    contributors = [_contributors(row) for row in rows]
    people = {name for credits in contributors for name, _ in credits}
    authors = _save_authors(sorted(people))
    books = _save_books(rows, series)
    _replace_credits(books, contributors, authors)
    _replace_genres(books, rows, genres)
    return Catalogue(
        books=[
            DemoBook(
                book=book,
                genres=tuple(_split(row["genres"])),
                authors=tuple(_split(row["authors"])),
            )
            for book, row in zip(books, rows, strict=True)
        ],
        genres=genres,
    )


def _save_genres(rows: list[dict[str, str]]) -> dict[str, Genre]:
    """The fixture's genres by slug, matched by slug, else by name; parents set as listed.

    A genre found by name keeps its own slug, and found genres keep their names: an admin
    may have renamed them, and names are unique, so renaming could collide.
    """
    by_slug = {g.slug: g for g in Genre.objects.filter(slug__in=[r["slug"] for r in rows])}
    by_name = {g.name.casefold(): g for g in Genre.objects.all()}
    genres, new = {}, []
    for row in rows:
        genre = by_slug.get(row["slug"]) or by_name.get(row["name"].casefold())
        if genre is None:
            genre = Genre(name=row["name"], slug=row["slug"])
            new.append(genre)
        genres[row["slug"]] = genre
    Genre.objects.bulk_create(new)
    for row in rows:
        genres[row["slug"]].parent = genres[row["parent_slug"]] if row["parent_slug"] else None
    update_rows(Genre, list(genres.values()), ["parent"])
    return genres


def _save_series(names: set[str]) -> dict[str, Series]:
    by_key = {name_key(name): name for name in sorted(names)}
    existing = {s.name_key: s for s in Series.objects.filter(name_key__in=list(by_key))}
    # bulk_create skips Series.save(), which is what fills name_key: fill it here.
    new = [Series(name=name, name_key=key) for key, name in by_key.items() if key not in existing]
    Series.objects.bulk_create(new)
    series = existing | {s.name_key: s for s in new}
    return {name: series[key] for key, name in by_key.items()}


def _contributors(row: dict[str, str]) -> list[tuple[str, str]]:
    """`(name, role)` in byline order: the authors, then "role:Name" contributors."""
    credits = [(name, AuthorRole.AUTHOR.value) for name in _split(row["authors"])]
    for credit in _split(row["contributors"]):
        role, _, name = credit.partition(":")
        credits.append((name, AuthorRole(role).value))
    return credits


def _save_authors(names: list[str]) -> dict[str, Author]:
    keys = {name: name_key(name) for name in names}
    existing: dict[str, Author] = {}
    for author in Author.objects.filter(name_key__in=set(keys.values())).order_by("id"):
        existing.setdefault(author.name_key, author)  # several may share a key: take the oldest
    new = {}
    for name, key in keys.items():
        if key not in existing and key not in new:
            # bulk_create skips Author.save(): fill what it would have.
            new[key] = Author(name=name, name_key=key, sort_name=sort_name_for(name))
    Author.objects.bulk_create(list(new.values()))
    authors = existing | new
    return {name: authors[key] for name, key in keys.items()}


def _save_books(rows: list[dict[str, str]], series: dict[str, Series]) -> list[Book]:
    ids = [row["goodreads_id"] for row in rows]
    isbns = [row["isbn13"] for row in rows if row["isbn13"]]
    by_goodreads = {b.goodreads_id: b for b in Book.objects.filter(goodreads_id__in=ids)}
    by_isbn = {
        b.isbn13: b for b in Book.objects.filter(isbn13__in=isbns).exclude(goodreads_id__in=ids)
    }
    books, new, changed = [], [], []
    for row in rows:
        book = by_goodreads.get(row["goodreads_id"]) or by_isbn.get(row["isbn13"] or None)
        if book is None:
            book = Book()
            new.append(book)
        before = [getattr(book, name) for name in BOOK_FIELDS]
        book.title = row["title"]
        book.series = series.get(row["series"])
        book.series_position = Decimal(row["series_position"]) if row["series_position"] else None
        book.isbn10 = row["isbn10"]
        book.isbn13 = row["isbn13"]
        year = row["original_publication_year"]
        book.original_publication_year = int(year) if year else None
        book.language = row["language"]
        book.pages = int(row["pages"]) if row["pages"] else None
        book.goodreads_id = row["goodreads_id"]
        book.source_ratings_count = int(row["source_ratings_count"] or 0)
        books.append(book)
        if book.pk and before != [getattr(book, name) for name in BOOK_FIELDS]:
            changed.append(book)
    Book.objects.bulk_create(new, batch_size=500)
    # `updated_at` is set by hand: update_rows bypasses auto_now like any bulk write.
    now = timezone.now()
    for book in changed:
        book.updated_at = now
    update_rows(Book, changed, [*BOOK_FIELDS, "updated_at"])
    return books


def _replace_credits(
    books: list[Book], credits: list[list[tuple[str, str]]], authors: dict[str, Author]
) -> None:
    BookAuthor.objects.filter(book__in=books).delete()
    BookAuthor.objects.bulk_create(
        [
            BookAuthor(book=book, author=authors[name], role=role, position=position)
            for book, book_credits in zip(books, credits, strict=True)
            for position, (name, role) in enumerate(dict.fromkeys(book_credits))
        ],
        batch_size=500,
    )


def _replace_genres(books: list[Book], rows: list[dict[str, str]], genres: dict[str, Genre]):
    through = Book.genres.through
    through.objects.filter(book__in=books).delete()
    through.objects.bulk_create(
        [
            through(book=book, genre=genres[slug])
            for book, row in zip(books, rows, strict=True)
            for slug in _split(row["genres"])
        ],
        batch_size=500,
    )
