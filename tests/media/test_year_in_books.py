"""`yearInBooksImage`: the year's card, drawn with Pillow, stored on S3 or a folder, drawn
anew only when the year's data changes; its content checked by decoding it."""

import io
from datetime import date

import pytest
from PIL import Image

from apps.media import year_card
from apps.media.services import upload_book_cover
from apps.reading.models import ReadingStatus
from tests.factories import (
    make_book,
    make_follow,
    make_profile,
    make_superuser,
    make_user,
    make_user_book,
)
from tests.media.test_uploads import image_at

pytestmark = pytest.mark.django_db

CARD = "query($year: Int!, $u: String) { yearInBooksImage(year: $year, username: $u) }"
RED = (230, 20, 20)


def solid_png(colour) -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (200, 300), colour).save(out, format="PNG")
    out.seek(0)
    out.name = "cover.png"
    return out


def near(pixel, colour, tolerance=12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def cover_centre(slot: int) -> tuple[int, int]:
    row, column = divmod(slot, year_card.COVERS_PER_ROW)
    width, height = year_card.COVER_SIZE
    x = year_card.COVERS_ORIGIN[0] + column * (width + year_card.COVER_GAP) + width // 2
    y = year_card.COVERS_ORIGIN[1] + row * (height + year_card.COVER_GAP) + height // 2
    return x, y


def bar_column(month: int) -> int:
    return year_card.BAR_LEFT + (month - 1) * year_card.BAR_STEP + year_card.BAR_WIDTH // 2


def card_url(gql, year=2025, username=None) -> str:
    result = gql(CARD, {"year": year, "u": username})
    assert "errors" not in result, result
    return result["data"]["yearInBooksImage"]


def test_the_card_shows_the_years_covers_and_months(gql, storage):
    ada = make_user("ada")
    red_book = make_book("Red", pages=300)
    upload_book_cover(make_superuser(), red_book.pk, solid_png(RED))
    plain = make_book("No cover", pages=100)
    for book, day in ((red_book, date(2025, 1, 5)), (plain, date(2025, 3, 9))):
        make_user_book(ada, book, status=ReadingStatus.READ, finished_at=day)
    make_user_book(ada, make_book(), status=ReadingStatus.READ, finished_at=date(2025, 3, 20))
    make_user_book(ada, make_book(), status=ReadingStatus.READ, finished_at=date(2024, 3, 20))
    image = image_at(storage, card_url(gql.login(ada))).convert("RGB")
    assert image.size == (1080, 1080)
    assert near(image.getpixel(cover_centre(0)), RED)  # finished first: the red cover
    assert image.getpixel(cover_centre(1)) == year_card.placeholder_colour(plain.pk)
    assert image.getpixel(cover_centre(3)) == year_card.BACKGROUND  # three books, three covers
    base, top = year_card.BAR_BASE, year_card.BAR_BASE - year_card.BAR_HEIGHT
    # March (2 books) is the busiest month: full height; January (1) half; February none.
    assert image.getpixel((bar_column(3), top + 2)) == year_card.BAR
    assert image.getpixel((bar_column(3), top - 2)) == year_card.BACKGROUND
    assert image.getpixel((bar_column(1), base - year_card.BAR_HEIGHT // 2 + 2)) == year_card.BAR
    assert image.getpixel((bar_column(1), base - year_card.BAR_HEIGHT // 2 - 3)) == (
        year_card.BACKGROUND
    )
    assert image.getpixel((bar_column(2), base - 2)) == year_card.BACKGROUND


def test_the_card_is_kept_and_drawn_anew_when_the_year_changes(gql, storage):
    ada = make_user("ada")
    make_user_book(ada, make_book(), status=ReadingStatus.READ, finished_at=date(2025, 5, 1))
    gql.login(ada)
    first = card_url(gql)
    cards = lambda: {k for k in storage.objects() if k.startswith("year-in-books/")}  # noqa: E731
    kept = cards()
    assert len(kept) == 1
    assert card_url(gql).split("?")[0] == first.split("?")[0]  # the same data: the same card
    assert year_card.year_in_books_card(ada.pk, 2025).created is False
    make_user_book(ada, make_book(), status=ReadingStatus.READ, finished_at=date(2025, 6, 1))
    second = card_url(gql)
    assert second.split("?")[0] != first.split("?")[0]
    assert len(cards()) == 1 and cards() != kept  # the stale card is gone
    image = image_at(storage, second).convert("RGB")
    top = year_card.BAR_BASE - year_card.BAR_HEIGHT
    assert image.getpixel((bar_column(5), top + 2)) == year_card.BAR
    assert image.getpixel((bar_column(6), top + 2)) == year_card.BAR


def test_the_card_follows_profile_privacy(gql, settings, tmp_path):
    from tests.media.conftest import use_local

    use_local(settings, tmp_path / "media")
    ada, friend = make_user("ada"), make_user("friend")
    make_profile(ada, privacy="followers")
    make_follow(friend, ada)
    gql.login(make_user())
    assert card_url(gql, username="ada") is None
    gql.login(friend)
    assert card_url(gql, username="ada").startswith("http://testserver/media/year-in-books/")
    gql.logout()
    result = gql(CARD, {"year": 2025})
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
