"""Series in titles: Goodreads-style `Title (Series, #n)` spellings split into their parts.

Shared by the catalogue import and the library imports (Goodreads exports spell titles the
same way), so a book's series is recognised the same way wherever it comes from.
"""

import re
from decimal import Decimal

# The last parenthesised group of a title, when it holds a `#`: "Catching Fire (The Hunger
# Games, #2)". Goodreads writes the comma in most titles but not all ("Dune (Dune Chronicles
# #1)"), so it is optional; a group without `#` ("(And Other Concerns)") is part of the title.
_SERIES_SUFFIX = re.compile(
    r"^(?P<title>.*?\S)\s*\((?P<series>[^()#]*?[^\s,()#])\s*,?\s*#\s*(?P<position>[^()]*)\)\s*$"
)
# A position is one number (at most 4 digits and 2 decimals, what `Book.series_position`
# holds), possibly followed by another series of the same book ("4; Death, #1") or a part
# note ("3: Part 2 of 2"). Ranges and lists ("1-3", "0.5, 2.5") are omnibus editions: they
# belong to the series but have no single place in it.
_POSITION = re.compile(r"^(?P<number>\d{1,4}(?:\.\d{1,2})?)\s*(?:$|[;:,]\s*(?=[^\d\s]))")
_SPACES = re.compile(r"\s+")


def split_series(title: str) -> tuple[str, str | None, Decimal | None]:
    """`(title, series name, position)` from a title that may end with its series.

    `"Catching Fire (The Hunger Games, #2)"` → `("Catching Fire", "The Hunger Games", 2)`;
    `"The Once and Future King (The Once and Future King #1-4)"` → series without a position;
    a title without a `#n` group comes back whole, with `None, None`. When a book is in
    several series (`"Mort (Discworld, #4; Death, #1)"`) the first one is kept. Runs of
    whitespace are collapsed, so the returned title is ready to store.
    """
    title = _SPACES.sub(" ", title).strip()
    match = _SERIES_SUFFIX.match(title)
    if not match:
        return title, None, None
    position = _POSITION.match(match["position"].strip())
    number = Decimal(position["number"]) if position else None
    return match["title"], match["series"].strip(), number
