"""Authors sort by family name, keeping particles and generational suffixes where readers expect."""

import pytest

from apps.catalog.models import sort_name_for


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Homer", "Homer"),
        ("J.R.R. Tolkien", "Tolkien, J.R.R."),
        ("Ursula K. Le Guin", "Le Guin, Ursula K."),
        ("Ludwig van Beethoven", "van Beethoven, Ludwig"),
        ("Kurt Vonnegut Jr.", "Vonnegut, Kurt Jr."),
        ("Martin Luther King, Jr.", "King, Martin Luther Jr."),
    ],
)
def test_sort_name_for(name, expected):
    assert sort_name_for(name) == expected
