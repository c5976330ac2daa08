"""Catalogue edits by librarians: create and update authors (merging is in `merge`)."""

import re

from django.db import IntegrityError, transaction

from apps.catalog.models import Author, AuthorRedirect
from apps.catalog.services_common import (
    Problems,
    external_id,
    not_found,
    require_librarian,
    translate_integrity_error,
    year,
)
from apps.core.errors import ErrorCode
from apps.core.validation import clean_text

AUTHOR_TEXT_LIMITS = {"name": 255, "sort_name": 255, "bio": 20_000}
AUTHOR_EXTERNAL_IDS = {
    "openlibrary_id": (re.compile(r"\AOL[0-9]+A\Z"), "OL26320A"),
    "goodreads_id": (re.compile(r"\A[0-9]{1,32}\Z"), "656983"),
    "wikidata_id": (re.compile(r"\AQ[0-9]+\Z"), "Q892"),
}
AUTHOR_FIELDS = {*AUTHOR_TEXT_LIMITS, *AUTHOR_EXTERNAL_IDS, "birth_year", "death_year"}


def create_author(user, **fields) -> Author:
    """A new author; `name` is required. An empty `sort_name` is derived from the name."""
    require_librarian(user)
    if "name" not in fields:
        fields["name"] = None  # reported as REQUIRED with the other problems
    return _save_author(Author(), fields)


def update_author(user, author_id: int, **changes) -> Author:
    """Change the given fields of an author; absent fields keep their value, None clears.

    Fields: name, sort_name (cleared: derived from the name again), bio, birth_year,
    death_year (not before the birth year), openlibrary_id, goodreads_id, wikidata_id.
    A merged-away id is refused (NOT_FOUND): edits go to the current record knowingly.
    """
    require_librarian(user)
    with transaction.atomic():
        author = Author.objects.select_for_update().filter(pk=author_id).first()
        if author is None:
            raise not_found(AuthorRedirect, author_id, "author")
        return _save_author(author, changes)


def _save_author(author: Author, fields: dict) -> Author:
    unknown = set(fields) - AUTHOR_FIELDS
    if unknown:
        raise TypeError(f"unknown author fields: {sorted(unknown)}")
    problems = Problems()
    old_name = author.name
    for name, max_length in AUTHOR_TEXT_LIMITS.items():
        if name in fields:
            value = problems.check(
                clean_text, fields[name], field=name, max_length=max_length, required=name == "name"
            )
            if value is not None:
                setattr(author, name, value)
    if author.pk and author.name != old_name and "sort_name" not in fields:
        author.sort_name = ""  # a renamed author sorts under the new name (Author.save)
    for name in ("birth_year", "death_year"):
        if name in fields:
            value = problems.check(year, fields[name], field=name)
            if value is not None or fields[name] is None:
                setattr(author, name, value)
    if (
        author.birth_year is not None
        and author.death_year is not None
        and author.death_year < author.birth_year
    ):
        field = "death_year" if "death_year" in fields else "birth_year"
        problems.add(ErrorCode.INVALID, "The death year is before the birth year.", field)
    for name, (pattern, example) in AUTHOR_EXTERNAL_IDS.items():
        if name in fields:
            value = problems.check(
                external_id, fields[name], field=name, pattern=pattern, example=example
            )
            if value is not None:
                setattr(author, name, value)
    if not problems.errors:
        _check_author_unique(author, problems)
    problems.raise_any()
    try:
        with transaction.atomic():
            author.save()
    except IntegrityError as exc:
        raise translate_integrity_error(exc, lambda p: _check_author_unique(author, p)) from exc
    return author


def _check_author_unique(author: Author, problems: Problems) -> None:
    others = Author.objects.exclude(pk=author.pk) if author.pk else Author.objects.all()
    for name in AUTHOR_EXTERNAL_IDS:
        value = getattr(author, name)
        if value and others.filter(**{name: value}).exists():
            problems.add(ErrorCode.CONFLICT, "Another author already has this id.", name)
