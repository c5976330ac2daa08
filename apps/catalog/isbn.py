"""ISBN normalisation and validation (ISBN-10 and ISBN-13, with their check digits)."""

import re

_NOT_ISBN_CHARS = re.compile(r"[^0-9Xx]")


def _isbn10_check_digit(first9: str) -> str:
    total = sum((10 - i) * int(d) for i, d in enumerate(first9))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def _isbn13_check_digit(first12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def clean(value: str | None) -> str:
    """Digits and a trailing X only: drops hyphens, spaces and Excel's `="…"` wrapping."""
    return _NOT_ISBN_CHARS.sub("", value or "").upper()


def is_valid_isbn10(value: str) -> bool:
    return (
        len(value) == 10
        and value[:9].isdigit()
        and (value[9].isdigit() or value[9] == "X")
        and _isbn10_check_digit(value[:9]) == value[9]
    )


def is_valid_isbn13(value: str) -> bool:
    return (
        len(value) == 13
        and value.isdigit()
        and value[:3] in {"978", "979"}
        and _isbn13_check_digit(value[:12]) == value[12]
    )


def isbn10_to_isbn13(isbn10: str) -> str:
    first12 = "978" + isbn10[:9]
    return first12 + _isbn13_check_digit(first12)


def isbn13_to_isbn10(isbn13: str) -> str:
    """The ISBN-10 of a 978 ISBN-13; 979 ISBNs have none (returns "")."""
    if not isbn13.startswith("978"):
        return ""
    first9 = isbn13[3:12]
    return first9 + _isbn10_check_digit(first9)


def restore_isbn10(value: str | None) -> str:
    """An ISBN-10 whose leading zeros a spreadsheet dropped (`439023483` → `0439023483`).

    Returns "" unless the padded value has a valid check digit.
    """
    digits = clean(value)
    if not digits or len(digits) > 10:
        return ""
    padded = digits.rjust(10, "0")
    return padded if is_valid_isbn10(padded) else ""


def normalize(value: str | None) -> tuple[str, str]:
    """`(isbn10, isbn13)` for any ISBN-10 or ISBN-13 spelling; ("", "") when it is not one."""
    digits = clean(value)
    if len(digits) == 13 and is_valid_isbn13(digits):
        return isbn13_to_isbn10(digits), digits
    if len(digits) == 10 and is_valid_isbn10(digits):
        return digits, isbn10_to_isbn13(digits)
    return "", ""
