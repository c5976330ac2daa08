"""Accounts: signing up, logging in, changing the password, and editing one's profile.

Every function raises `ServiceError`s for what a user can get wrong, with the input field at
fault (snake_case; the GraphQL layer camel-cases it). Validation collects every problem of a
call before refusing it, so a form can show them all at once, and nothing is written unless
everything is valid.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import update_last_login
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction

from apps.accounts.models import (
    Profile,
    ProfileInterest,
    ProfileSocialLink,
    SocialPlatform,
    User,
)
from apps.accounts.tokens import create_access_token, create_refresh_token, revoke_all_tokens
from apps.core.errors import Conflict, ErrorCode, FieldError, Invalid, NotFound, ServiceError
from apps.core.models import Privacy
from apps.core.validation import clean_text

USERNAME_RE = re.compile(r"[A-Za-z0-9_.\-]{3,30}")
# Generous for passphrases, but bounded: hashing a megabyte on every login attempt is a DoS.
PASSWORD_MAX_LENGTH = 4096
MAX_INTERESTS = 50
MAX_SOCIAL_LINKS = 20
BAD_CREDENTIALS = "Please enter valid credentials"
SUSPENDED = "This account is suspended."
_http_url = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class TokenPair:
    """What a login hands the client: a JWT access token and an opaque refresh token."""

    token: str
    payload: dict
    refresh_token: str
    refresh_expires_at: datetime


class _Errors:
    """Collects the field errors of several checks, to refuse a call with all of them."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def check(self, fn: Callable[..., Any], *args, **kwargs) -> Any:
        try:
            return fn(*args, **kwargs)
        except ServiceError as exc:
            self.errors.extend(exc.errors)
            return None

    def add(self, code: ErrorCode, message: str, field: str) -> None:
        self.errors.append(FieldError(code, message, field))

    def raise_any(self) -> None:
        if self.errors:
            raise ServiceError.of(self.errors)


# --- signing up and logging in -----------------------------------------------------------------


def issue_tokens(user: User, *, user_agent: str = "", ip_address: str | None = None) -> TokenPair:
    """A new session (apps/accounts/sessions.py): its first refresh token and an access token
    bound to it."""
    refresh = create_refresh_token(user, user_agent=user_agent, ip_address=ip_address)
    token, payload = create_access_token(user, refresh.session_id)
    return TokenPair(token, payload, refresh.token, refresh.expires_at)


def _clean_username(value: str) -> str:
    username = clean_text(value, field="username", max_length=30, required=True)
    if not USERNAME_RE.fullmatch(username):
        raise Invalid(
            "3 to 30 characters: letters, digits, underscores, dots and hyphens.",
            field="username",
        )
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict("This username is taken.", field="username")
    return username


def _clean_email(value: str, *, user: User | None = None) -> str:
    email = clean_text(value, field="email", max_length=254, required=True)
    try:
        validate_email(email)
    except ValidationError:
        raise Invalid("Enter a valid email address.", field="email") from None
    email = User.objects.normalize_email(email)
    others = User.objects.filter(email__iexact=email)
    if user is not None:
        others = others.exclude(pk=user.pk)
    if others.exists():
        raise Conflict("An account with this email address already exists.", field="email")
    return email


def _check_password(password: str, user: User, *, field: str) -> None:
    """Django's configured password validators, judging `password` for `user`."""
    if "\x00" in password:
        raise Invalid("Text may not contain NUL characters.", field=field)
    if len(password) > PASSWORD_MAX_LENGTH:
        raise Invalid(f"At most {PASSWORD_MAX_LENGTH} characters.", field=field)
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ServiceError.of(
            [FieldError(ErrorCode.PASSWORD_TOO_WEAK, message, field) for message in exc.messages]
        ) from None


def register(username: str, email: str, password: str) -> User:
    """A new active user (with an empty public profile), or every reason it can't be made."""
    errors = _Errors()
    # The validators compare the password with the would-be user's username and email.
    would_be = User(username=(username or "").strip(), email=(email or "").strip())
    username = errors.check(_clean_username, username)
    email = errors.check(_clean_email, email)
    errors.check(_check_password, password or "", would_be, field="password")
    errors.raise_any()
    try:
        with transaction.atomic():
            return User.objects.create_user(username=username, email=email, password=password)
    except IntegrityError:
        # Someone took the name or address between the check and the insert.
        if User.objects.filter(username__iexact=username).exists():
            raise Conflict("This username is taken.", field="username") from None
        raise Conflict(
            "An account with this email address already exists.", field="email"
        ) from None


def authenticate_login(login: str, password: str) -> User:
    """The active user with this username or email (any case) and password.

    Every failure is the same INVALID_CREDENTIALS, so the answer does not tell which
    usernames exist or which accounts are disabled.
    """
    login = (login or "").strip()
    password = password or ""
    user = None
    if login and "\x00" not in login and len(login) <= 254:
        user = User.objects.filter(username__iexact=login).first()
        if user is None and "@" in login:
            user = User.objects.filter(email__iexact=login).first()
    if user is None:
        # Hash anyway, so the time taken does not reveal that the login is unknown.
        User().set_password(password)
    elif user.check_password(password) and user.is_active:
        if user.is_suspended:  # told only to whoever knows the password
            raise Invalid(SUSPENDED, code=ErrorCode.ACCOUNT_SUSPENDED)
        update_last_login(None, user)
        return user
    raise Invalid(BAD_CREDENTIALS, code=ErrorCode.INVALID_CREDENTIALS)


def change_password(user: User, old_password: str, new_password: str) -> User:
    """Set a new password and log out every session (the caller issues this one new tokens)."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.check_password(old_password or ""):
            raise Invalid(
                "Your current password is not correct.",
                field="old_password",
                code=ErrorCode.INVALID_CREDENTIALS,
            )
        _check_password(new_password or "", user, field="new_password")
        user.set_password(new_password)
        user.save(update_fields=["password"])
        revoke_all_tokens(user)
    return user


# --- the profile ---------------------------------------------------------------------------------

PROFILE_FIELDS = {
    "display_name",
    "bio",
    "location",
    "website",
    "privacy",
    "interests",
    "social_links",
}


def _clean_url(value: str, *, field: str, required: bool = False) -> str:
    url = clean_text(value, field=field, max_length=300, required=required)
    if url:
        try:
            _http_url(url)
        except ValidationError:
            raise Invalid("Enter a full http:// or https:// address.", field=field) from None
    return url


def _clean_privacy(value: str) -> str:
    if value not in Privacy.values:
        raise Invalid(f"One of {', '.join(Privacy.values)}.", field="privacy")
    return value


def _clean_interests(items: list[dict], errors: _Errors) -> list[ProfileInterest]:
    """Interests as unsaved rows: each a genre id or a text; repeats are dropped."""
    if len(items) > MAX_INTERESTS:
        errors.add(ErrorCode.INVALID, f"At most {MAX_INTERESTS} interests.", "interests")
        return []
    # accounts sits below catalog: reach the Genre model through the relation, not an import.
    genre_model = ProfileInterest._meta.get_field("genre").related_model
    rows, seen, genre_fields = [], set(), {}
    for i, item in enumerate(items):
        genre_id, text = item.get("genre_id"), item.get("text")
        if (genre_id is None) == (text is None):
            errors.add(ErrorCode.INVALID, "Give either a genre or a text.", f"interests.{i}")
            continue
        if genre_id is not None:
            key = ("genre", genre_id)
            genre_fields.setdefault(genre_id, f"interests.{i}.genre_id")
            row = ProfileInterest(genre_id=genre_id)
        else:
            text = errors.check(
                clean_text, text, field=f"interests.{i}.text", max_length=100, required=True
            )
            if text is None:
                continue
            key = ("text", text.casefold())
            row = ProfileInterest(text=text)
        if key not in seen:
            seen.add(key)
            rows.append(row)
    found = set(genre_model.objects.filter(pk__in=genre_fields).values_list("pk", flat=True))
    for genre_id, field in genre_fields.items():
        if genre_id not in found:
            errors.add(ErrorCode.NOT_FOUND, "No genre with this id.", field)
    return rows


def _clean_social_links(items: list[dict], errors: _Errors) -> list[ProfileSocialLink]:
    """Social links as unsaved rows, in the order given: one per platform (but "other")."""
    if len(items) > MAX_SOCIAL_LINKS:
        errors.add(ErrorCode.INVALID, f"At most {MAX_SOCIAL_LINKS} links.", "social_links")
        return []
    rows, platforms, urls = [], set(), set()
    for i, item in enumerate(items):
        platform = item.get("platform")
        if platform not in SocialPlatform.values:
            errors.add(ErrorCode.INVALID, "Unknown platform.", f"social_links.{i}.platform")
        elif platform != SocialPlatform.OTHER and platform in platforms:
            errors.add(ErrorCode.INVALID, "One link per platform.", f"social_links.{i}.platform")
        platforms.add(platform)
        url = errors.check(
            _clean_url, item.get("url"), field=f"social_links.{i}.url", required=True
        )
        if url is not None and url in urls:
            errors.add(ErrorCode.INVALID, "This link is listed twice.", f"social_links.{i}.url")
        urls.add(url)
        rows.append(ProfileSocialLink(platform=platform, url=url, position=i))
    return rows


def update_profile(user: User, **fields) -> Profile:
    """Change the given fields of `user`'s profile; `interests` and `social_links` replace
    the current ones. All or nothing: one invalid field and nothing changes."""
    unknown = set(fields) - PROFILE_FIELDS
    if unknown:
        raise TypeError(f"update_profile() got unexpected fields {sorted(unknown)}")
    errors = _Errors()
    values = {}
    limits = {"display_name": 100, "bio": 2000, "location": 100}
    for name, limit in limits.items():
        if name in fields:
            values[name] = errors.check(clean_text, fields[name], field=name, max_length=limit)
    if "website" in fields:
        values["website"] = errors.check(_clean_url, fields["website"], field="website")
    if "privacy" in fields:
        values["privacy"] = errors.check(_clean_privacy, fields["privacy"])
    interests = links = None
    if "interests" in fields:
        interests = _clean_interests(list(fields["interests"]), errors)
    if "social_links" in fields:
        links = _clean_social_links(list(fields["social_links"]), errors)
    errors.raise_any()

    with transaction.atomic():
        profile, _ = Profile.objects.select_for_update().get_or_create(user=user)
        for name, value in values.items():
            setattr(profile, name, value)
        profile.save()
        if interests is not None:
            profile.interests.all().delete()
            for row in interests:
                row.profile = profile
            ProfileInterest.objects.bulk_create(interests)
        if links is not None:
            profile.social_links.all().delete()
            for row in links:
                row.profile = profile
            ProfileSocialLink.objects.bulk_create(links)
    return profile


def get_active_user(user_id: int, *, field: str) -> User:
    """An active user by id, or NOT_FOUND on `field`."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise NotFound("No user with this id.", field=field)
    return user
