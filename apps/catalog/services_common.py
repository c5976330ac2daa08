"""What the catalogue's edit services share: who may edit, and validation of common fields.

Only staff and holders of the `catalog.librarian` permission edit the catalogue. Inputs are
validated field by field and every problem is reported at once, each on its input field.
"""

import re

from django.contrib.auth import get_user_model
from django.db import IntegrityError
from django.db.models import Q, QuerySet

from apps.catalog.catalog_csv import ISO_639_2_TO_1
from apps.core.errors import (
    Conflict,
    ErrorCode,
    FieldError,
    Invalid,
    NotAllowed,
    NotFound,
    ServiceError,
)
from apps.core.validation import clean_text

LIBRARIAN_PERMISSION = "catalog.librarian"
YEAR_MIN, YEAR_MAX = -3000, 2100  # the catalogue holds ancient texts and announced books
_LANGUAGE_TAG = re.compile(r"\A[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*\Z")


# --- who may edit -----------------------------------------------------------------------------


def can_edit_catalog(user) -> bool:
    """Staff and holders of the `catalog.librarian` permission (directly or via a group)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_staff or user.has_perm(LIBRARIAN_PERMISSION))
    )


def catalog_editors() -> QuerySet:
    """The same rule as `can_edit_catalog`, as a queryset of users (for compiled reads):
    active staff, superusers and holders of the permission, directly or through a group."""
    app_label, codename = LIBRARIAN_PERMISSION.split(".")
    direct = Q(
        user_permissions__codename=codename, user_permissions__content_type__app_label=app_label
    )
    grouped = Q(
        groups__permissions__codename=codename,
        groups__permissions__content_type__app_label=app_label,
    )
    return get_user_model().objects.filter(
        Q(is_staff=True) | Q(is_superuser=True) | direct | grouped, is_active=True
    )


def require_librarian(user) -> None:
    if not can_edit_catalog(user):
        raise NotAllowed("Only librarians may edit the catalogue.")


# --- validation shared with authors ----------------------------------------------------------


class Problems:
    """Collects every field error of one input, so the client sees them all at once."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def check(self, validate, *args, **kwargs):
        """`validate(*args, **kwargs)`, or None after recording the errors it raised."""
        try:
            return validate(*args, **kwargs)
        except ServiceError as exc:
            self.errors.extend(exc.errors)
            return None

    def add(self, code: ErrorCode, message: str, field: str) -> None:
        self.errors.append(FieldError(code, message, field))

    def raise_any(self) -> None:
        if self.errors:
            raise ServiceError.of(self.errors)


def year(value: int | None, *, field: str) -> int | None:
    if value is not None and not YEAR_MIN <= value <= YEAR_MAX:
        raise Invalid(f"A year from {YEAR_MIN} to {YEAR_MAX} (negative: BCE).", field=field)
    return value


def external_id(value: str | None, *, field: str, pattern: re.Pattern, example: str) -> str:
    text = clean_text(value, field=field, max_length=32)
    if text and not pattern.match(text):
        raise Invalid(f"Not a valid id (expected e.g. {example}).", field=field)
    return text


def language_tag(value: str | None, *, field: str = "language") -> str:
    """A BCP 47 tag spelled as imports spell it: `eng` → `en`, `en_us` → `en-US`."""
    text = clean_text(value, field=field, max_length=16)
    if not text:
        return ""
    if not _LANGUAGE_TAG.match(text):
        raise Invalid("Not a language tag (e.g. en, en-US, pt-BR).", field=field)
    primary, *subtags = re.split(r"[-_]", text)
    primary = ISO_639_2_TO_1.get(primary.lower(), primary.lower())
    for i, subtag in enumerate(subtags):
        if len(subtag) == 2 and subtag.isalpha():
            subtags[i] = subtag.upper()
        elif len(subtag) == 4 and subtag.isalpha():
            subtags[i] = subtag.title()
        else:
            subtags[i] = subtag.lower()
    return "-".join([primary, *subtags])


def not_found(redirect_model, old_id: int, noun: str) -> NotFound:
    """NOT_FOUND on `id`; for a merged-away id, saying so: edits must name the current record
    knowingly, rather than land on the survivor from a stale screen."""
    if redirect_model.objects.filter(old_id=old_id).exists():
        return NotFound(f"This {noun} was merged into another; use its current id.", field="id")
    return NotFound(f"No {noun} with this id.", field="id")


def translate_integrity_error(exc: IntegrityError, checks) -> Conflict:
    """A unique constraint another transaction won between our check and our write."""
    problems = Problems()
    checks(problems)
    if problems.errors:
        return Conflict.of(problems.errors)
    return Conflict("This change conflicts with another one; try again.")
