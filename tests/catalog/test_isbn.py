"""ISBN helpers: what a spreadsheet did to ISBNs is undone only when the check digit agrees."""

import pytest

from apps.catalog.isbn import (
    clean,
    is_valid_isbn10,
    is_valid_isbn13,
    isbn10_to_isbn13,
    isbn13_to_isbn10,
    normalize,
    restore_isbn10,
)

# 979 + 000000000 → 9*1 + 7*3 + 9*1 = 39 → check digit (10 - 9) % 10 = 1, worked by hand.
ISBN_979 = "9790000000001"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("439023483", "0439023483"),  # one zero lost
        ("61120081", "0061120081"),  # two zeros lost
        ("0439023483", "0439023483"),  # nothing lost
        ("043965548X", "043965548X"),  # X check digit
        ("43965548x", "043965548X"),  # lower-case x, zero lost
        ("0-439-02348-3", "0439023483"),  # hyphens
        ('="0439023483"', "0439023483"),  # Excel's text wrapping
    ],
)
def test_restore_isbn10_puts_back_lost_leading_zeros(value, expected):
    assert restore_isbn10(value) == expected


@pytest.mark.parametrize("value", ["439023484", "812971060", "0439023480", "12345678901", "", None])
def test_restore_isbn10_refuses_what_the_check_digit_rejects(value):
    assert restore_isbn10(value) == ""


def test_is_valid_isbn10_checks_length_and_check_digit():
    assert is_valid_isbn10("0439023483")
    assert is_valid_isbn10("043965548X")
    assert not is_valid_isbn10("0439023484")
    assert not is_valid_isbn10("X439023483")
    assert not is_valid_isbn10("439023483")


def test_is_valid_isbn13_accepts_978_and_979_only():
    assert is_valid_isbn13("9780439023481")
    assert is_valid_isbn13(ISBN_979)
    assert not is_valid_isbn13("9780439023480")  # wrong check digit
    assert not is_valid_isbn13("9770439023484")  # 977 is not a book prefix (ISSN)
    assert not is_valid_isbn13("978043902348")


def test_isbn10_to_isbn13_computes_the_new_check_digit():
    assert isbn10_to_isbn13("0439023483") == "9780439023481"
    assert isbn10_to_isbn13("043965548X") == "9780439655484"


def test_isbn13_to_isbn10_exists_only_for_978():
    assert isbn13_to_isbn10("9780439023481") == "0439023483"
    assert isbn13_to_isbn10("9780439655484") == "043965548X"
    assert isbn13_to_isbn10(ISBN_979) == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("978-0-439-02348-1", ("0439023483", "9780439023481")),
        ("0439023483", ("0439023483", "9780439023481")),
        (ISBN_979, ("", ISBN_979)),
        ("9780439023480", ("", "")),  # bad check digit
        ("9.78043902348e+12", ("", "")),  # goodbooks' float isbn13 lost its digits
        ("", ("", "")),
        (None, ("", "")),
    ],
)
def test_normalize_gives_both_forms_or_nothing(value, expected):
    assert normalize(value) == expected


def test_clean_keeps_digits_and_x():
    assert clean(" 0-439-02348-3 ") == "0439023483"
    assert clean("043965548x") == "043965548X"
    assert clean(None) == ""
