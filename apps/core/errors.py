"""Expected failures of domain services, each with a code a client can act on.

Services raise these; the GraphQL layer turns them into the `errors` list of a mutation's
payload. Anything else that escapes a service is a bug, and is masked as one.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ValidationError as DjangoValidationError


class ErrorCode(StrEnum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    NOT_ALLOWED = "NOT_ALLOWED"
    CONFLICT = "CONFLICT"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    PASSWORD_TOO_WEAK = "PASSWORD_TOO_WEAK"  # noqa: S105 - an error code, not a password
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    # An emailed link's token that is unknown, used, expired or overtaken (apps/accounts/).
    INVALID_TOKEN = "INVALID_TOKEN"  # noqa: S105 - an error code, not a password
    # Too many attempts lately (apps/accounts/throttle.py): the message says how long to wait.
    RATE_LIMITED = "RATE_LIMITED"
    # A moderator suspended the account (apps/accounts/suspension.py): no login, no refresh.
    ACCOUNT_SUSPENDED = "ACCOUNT_SUSPENDED"
    # Refused uploads (apps/media/images.py).
    NOT_AN_IMAGE = "NOT_AN_IMAGE"
    TOO_LARGE = "TOO_LARGE"
    TOO_MANY_PIXELS = "TOO_MANY_PIXELS"
    CORRUPT = "CORRUPT"


@dataclass(frozen=True)
class FieldError:
    code: ErrorCode
    message: str
    field: str | None = None


class ServiceError(Exception):
    """One or more expected failures; `errors` lists them with their field."""

    code = ErrorCode.INVALID

    def __init__(
        self, message: str = "", *, field: str | None = None, code: ErrorCode | None = None
    ):
        super().__init__(message)
        self.errors: list[FieldError] = [FieldError(code or self.code, message, field)]

    @classmethod
    def of(cls, errors: list[FieldError]) -> "ServiceError":
        error = cls(errors[0].message, field=errors[0].field, code=errors[0].code)
        error.errors = list(errors)
        return error


class Invalid(ServiceError):
    code = ErrorCode.INVALID


class NotFound(ServiceError):
    """The object does not exist, or the viewer may not see it (the two are not told apart)."""

    code = ErrorCode.NOT_FOUND


class NotAllowed(ServiceError):
    code = ErrorCode.NOT_ALLOWED


class Conflict(ServiceError):
    code = ErrorCode.CONFLICT


def from_django(exc: DjangoValidationError, *, code: ErrorCode = ErrorCode.INVALID) -> Invalid:
    """A Django ValidationError (from full_clean or a validator) as field errors."""
    if hasattr(exc, "error_dict"):
        errors = [
            FieldError(code, message, None if field == "__all__" else field)
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [FieldError(code, message) for message in exc.messages]
    return Invalid.of(errors)
