"""`split_series`: Goodreads titles carry their series; the catalogue stores them apart."""

from decimal import Decimal

import pytest

from apps.catalog.series import split_series


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "Catching Fire (The Hunger Games, #2)",
            ("Catching Fire", "The Hunger Games", Decimal("2")),
        ),
        ("Shōgun (Asian Saga, #1)", ("Shōgun", "Asian Saga", Decimal("1"))),
        (
            "The Slow Regard of Silent Things (The Kingkiller Chronicle, #2.5)",
            ("The Slow Regard of Silent Things", "The Kingkiller Chronicle", Decimal("2.5")),
        ),
        ("I, Robot (Robot #0.1)", ("I, Robot", "Robot", Decimal("0.1"))),  # no comma
        ("Dune (Dune Chronicles #1)", ("Dune", "Dune Chronicles", Decimal("1"))),
        ("Amelia Bedelia  (Amelia Bedelia #1)", ("Amelia Bedelia", "Amelia Bedelia", 1)),
        # In several series: the first is kept, with its position.
        ("Mort (Death, #1; Discworld, #4)", ("Mort", "Death", Decimal("1"))),
        # Split volumes keep the number of the book they split.
        (
            "The Eye of the World (Wheel of Time, #1: Part 1 of 2)",
            ("The Eye of the World", "Wheel of Time", Decimal("1")),
        ),
        # Earlier parentheses belong to the title.
        ("Foo (Illustrated) (Bar, #3)", ("Foo (Illustrated)", "Bar", Decimal("3"))),
    ],
)
def test_split_series_takes_the_series_and_position_out_of_the_title(title, expected):
    assert split_series(title) == expected


@pytest.mark.parametrize(
    ("title", "series"),
    [
        ("The Lord of the Rings (The Lord of the Rings, #1-3)", "The Lord of the Rings"),
        ("The Twilight Saga (Twilight, #1–4)", "Twilight"),  # en dash
        ("Four: A Divergent Story Collection (Divergent, #0.1 - 0.4)", "Divergent"),
        ("The Selection Stories (The Selection, #0.5, 2.5)", "The Selection"),
        ("Big (Numbers, #12345)", "Numbers"),  # more than Book.series_position can hold
    ],
)
def test_split_series_gives_omnibus_editions_a_series_without_position(title, series):
    assert split_series(title)[1:] == (series, None)


@pytest.mark.parametrize(
    "title",
    [
        "To Kill a Mockingbird",
        "I Am America (And So Can You!)",
        "The Firm (Penguin Readers, Level 5)",
        "Saga #1",
        "#GIRLBOSS",
        "(The Hunger Games, #1)",  # nothing would be left of the title
        "",
    ],
)
def test_split_series_keeps_titles_without_a_series_whole(title):
    assert split_series(title) == (title, None, None)


def test_split_series_collapses_whitespace():
    assert split_series("  Les   Misérables \n") == ("Les Misérables", None, None)
