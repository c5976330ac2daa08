"""Validating and saving one edition's fields: ISBNs (check digits, one bringing the other,
unique across editions), dates, pages or running time, language, Open Library key. Every
problem of an input is reported at once, each on its field (see `services_common.Problems`)."""

import re
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Q

from apps.catalog import isbn as isbn_utils
from apps.catalog.models import BookFormat, Edition
from apps.catalog.services_common import (
    Problems,
    external_id,
    language_tag,
    translate_integrity_error,
    year,
)
from apps.core.errors import ErrorCode, Invalid
from apps.core.validation import clean_text

MAX_PAGES = 100_000
MAX_DURATION_MINUTES = 100_000
TEXT_LIMITS = {"title": 500, "subtitle": 500, "publisher": 255}
EDITION_FIELDS = {
    *TEXT_LIMITS,
    "isbn10",
    "isbn13",
    "format",
    "language",
    "published_date",
    "publication_year",
    "pages",
    "duration_minutes",
    "openlibrary_id",
}
OPENLIBRARY_EDITION_ID = re.compile(r"\AOL[0-9]+M\Z")


def isbn_owner(isbn10: str, isbn13: str, exclude: Q | None = None) -> Edition | None:
    """The edition that already has one of these ISBNs, if any."""
    same = Q()
    if isbn13:
        same |= Q(isbn13=isbn13)
    if isbn10:
        same |= Q(isbn10=isbn10)
    if not same:
        return None
    editions = Edition.objects.filter(same).select_related("book")
    if exclude is not None:
        editions = editions.exclude(exclude)
    return editions.first()


def save_edition(edition: Edition, fields: dict) -> None:
    """Set `fields` on the edition (validated) and save it; ServiceError on any problem."""
    unknown = set(fields) - EDITION_FIELDS
    if unknown:
        raise TypeError(f"unknown edition fields: {sorted(unknown)}")
    problems = Problems()
    _set_fields(edition, fields, problems)
    if not problems.errors:
        _check_unique(edition, problems)
    problems.raise_any()
    try:
        with transaction.atomic():
            edition.save()
    except IntegrityError as exc:
        raise translate_integrity_error(exc, lambda p: _check_unique(edition, p)) from exc


def _set_fields(edition: Edition, fields: dict, problems: Problems) -> None:
    for name, max_length in TEXT_LIMITS.items():
        if name in fields:
            value = problems.check(
                clean_text,
                fields[name],
                field=name,
                max_length=max_length,
                required=name == "title",
            )
            if value is not None:
                setattr(edition, name, value)
    if "language" in fields:
        value = problems.check(language_tag, fields["language"])
        if value is not None:
            edition.language = value
    for name, limit, unit in (
        ("pages", MAX_PAGES, "pages"),
        ("duration_minutes", MAX_DURATION_MINUTES, "minutes"),
    ):
        if name in fields:
            value = fields[name]
            if value is not None and not 1 <= value <= limit:
                problems.add(ErrorCode.INVALID, f"From 1 to {limit} {unit}.", name)
            else:
                setattr(edition, name, value)
    if "format" in fields:
        if fields["format"] in BookFormat.values or fields["format"] is None:
            edition.format = fields["format"] or BookFormat.UNKNOWN
        else:
            problems.add(ErrorCode.INVALID, "Not a book format.", "format")
    _set_dates(edition, fields, problems)
    _set_isbns(edition, fields, problems)
    if "openlibrary_id" in fields:
        value = problems.check(
            external_id,
            fields["openlibrary_id"],
            field="openlibrary_id",
            pattern=OPENLIBRARY_EDITION_ID,
            example="OL7353617M",
        )
        if value is not None:
            edition.openlibrary_id = value


def _set_dates(edition: Edition, fields: dict, problems: Problems) -> None:
    if "publication_year" in fields:
        try:
            edition.publication_year = year(fields["publication_year"], field="publication_year")
        except Invalid as exc:
            problems.errors.extend(exc.errors)
    if "published_date" in fields:
        published: date | None = fields["published_date"]
        edition.published_date = published
        if published is not None:
            if "publication_year" in fields and fields["publication_year"] not in (
                None,
                published.year,
            ):
                problems.add(
                    ErrorCode.INVALID,
                    "The publication date is not in the publication year.",
                    "published_date",
                )
            else:
                edition.publication_year = published.year
    elif "publication_year" in fields and edition.published_date is not None:  # noqa: SIM102
        if edition.published_date.year != edition.publication_year:
            edition.published_date = None  # a new year overrules the old full date


def _set_isbns(edition: Edition, fields: dict, problems: Problems) -> None:
    """ISBN-10 and ISBN-13, check digits validated; one given alone brings the other."""
    given = {}
    for name, valid, label in (
        ("isbn13", isbn_utils.is_valid_isbn13, "ISBN-13"),
        ("isbn10", isbn_utils.is_valid_isbn10, "ISBN-10"),
    ):
        if name in fields:
            text = problems.check(clean_text, fields[name], field=name, max_length=32)
            if text is None:
                continue
            value = isbn_utils.clean(text)
            if text and not valid(value):
                problems.add(ErrorCode.INVALID, f"Not a valid {label} (check its digits).", name)
                continue
            given[name] = value
    if not given:
        return
    isbn13, isbn10 = given.get("isbn13"), given.get("isbn10")
    if isbn13 and isbn10 and isbn_utils.isbn10_to_isbn13(isbn10) != isbn13:
        problems.add(ErrorCode.INVALID, "The ISBN-10 and ISBN-13 are of different books.", "isbn10")
        return
    if isbn13 is not None and isbn10 is None:
        isbn10 = isbn_utils.isbn13_to_isbn10(isbn13) if isbn13 else ""
    if isbn10 is not None and isbn13 is None:
        isbn13 = isbn_utils.isbn10_to_isbn13(isbn10) if isbn10 else ""
    edition.isbn10, edition.isbn13 = isbn10, isbn13


def _check_unique(edition: Edition, problems: Problems) -> None:
    mine = Q(pk=edition.pk) if edition.pk else None
    owner = isbn_owner(edition.isbn10, edition.isbn13, mine)
    if owner is not None:
        field = "isbn13" if edition.isbn13 and owner.isbn13 == edition.isbn13 else "isbn10"
        problems.add(
            ErrorCode.CONFLICT,
            f"This ISBN is already an edition of {owner.book.title!r}.",
            field,
        )
    if edition.openlibrary_id:
        others = Edition.objects.filter(openlibrary_id=edition.openlibrary_id)
        if edition.pk:
            others = others.exclude(pk=edition.pk)
        if others.exists():
            problems.add(
                ErrorCode.CONFLICT, "Another edition already has this id.", "openlibrary_id"
            )
