"""Token lifetimes come from settings (JWT_ACCESS_TOKEN_LIFETIME / JWT_REFRESH_TOKEN_LIFETIME)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts import tokens
from apps.accounts.models import RefreshToken
from tests.factories import make_user
from tests.schema.accounts.helpers import PASSWORD, REFRESH, error_codes, me_with, token_auth

pytestmark = pytest.mark.django_db


def shift_clock(monkeypatch, seconds: float) -> None:
    """Make `now` `seconds` later for the token code (and for the ORM's auto timestamps)."""
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(seconds=seconds))


def test_the_default_lifetimes_are_15_minutes_and_7_days(gql):
    make_user("ada", password=PASSWORD)

    session = token_auth(gql, "ada")

    assert session["payload"]["exp"] - session["payload"]["iat"] == 15 * 60
    refresh = RefreshToken.objects.get()
    assert refresh.expires_at - refresh.created_at == pytest.approx(
        timedelta(days=7), abs=timedelta(seconds=1)
    )


def test_the_access_token_lifetime_is_configurable_and_enforced(gql, settings, monkeypatch):
    settings.JWT_ACCESS_TOKEN_LIFETIME = 60
    user = make_user("ada", password=PASSWORD)

    session = token_auth(gql, "ada")
    assert session["payload"]["exp"] - session["payload"]["iat"] == 60

    # Issued 50 s ago: still valid. Issued 70 s ago: expired.
    shift_clock(monkeypatch, -50)
    recent, _ = tokens.create_access_token(user)
    shift_clock(monkeypatch, -20)  # cumulative: 70 s ago
    stale, _ = tokens.create_access_token(user)
    monkeypatch.undo()

    assert me_with(gql, recent)["data"]["me"] == {"username": "ada"}
    result = me_with(gql, stale)
    assert error_codes(result) == ["UNAUTHENTICATED"]
    assert result["errors"][0]["message"] == "Signature has expired"


def test_the_refresh_token_lifetime_is_configurable_and_enforced(gql, settings, monkeypatch):
    settings.JWT_REFRESH_TOKEN_LIFETIME = 3600
    make_user("ada", password=PASSWORD)

    session = token_auth(gql, "ada")
    refresh = RefreshToken.objects.get()
    assert refresh.expires_at - refresh.created_at == pytest.approx(
        timedelta(hours=1), abs=timedelta(seconds=1)
    )
    assert session["refreshExpiresIn"] == int(refresh.expires_at.timestamp())

    shift_clock(monkeypatch, 3601)
    result = gql(REFRESH, {"refreshToken": session["refreshToken"]})

    assert error_codes(result) == ["UNAUTHENTICATED"]
    assert result["errors"][0]["message"] == "Refresh token has expired"


def test_a_rotated_token_keeps_its_family_and_the_reuse_revokes_it():
    user = make_user()
    first = tokens.create_refresh_token(user)

    _, second = tokens.rotate_refresh_token(first.token)
    with pytest.raises(tokens.TokenError, match="already used"):
        tokens.rotate_refresh_token(first.token)

    rows = RefreshToken.objects.order_by("id")
    assert len({row.family for row in rows}) == 1
    assert all(row.revoked_at is not None for row in rows)
    with pytest.raises(tokens.TokenError, match="revoked"):
        tokens.rotate_refresh_token(second.token)
