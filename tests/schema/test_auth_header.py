"""A bad `Authorization` header fails the operation, except operations that only handle tokens."""

import time

import jwt
import pytest
from django.conf import settings

from apps.accounts.tokens import access_token_payload, create_refresh_token
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def expired_access_token(user) -> str:
    payload = access_token_payload(user)
    payload.update(iat=int(time.time()) - 3600, exp=int(time.time()) - 60)
    return jwt.encode(payload, settings.JWT_SECRET_KEY, algorithm=settings.JWT_ALGORITHM)


def test_refresh_works_while_the_header_still_carries_the_expired_access_token(gql):
    user = make_user()
    refresh = create_refresh_token(user).token
    result = gql(
        "mutation($r: String!) { refreshToken(refreshToken: $r) { token refreshToken } }",
        {"r": refresh},
        Authorization=f"JWT {expired_access_token(user)}",
    )
    assert "errors" not in result, result
    assert result["data"]["refreshToken"]["token"]


def test_expired_header_still_fails_any_other_operation(gql):
    user = make_user()
    header = {"Authorization": f"Bearer {expired_access_token(user)}"}
    for query in ["{ me { username } }", "{ books(first: 1) { totalCount } }"]:
        result = gql(query, **header)
        assert result.get("data") is None
        assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert result["errors"][0]["message"] == "Signature has expired"


def test_token_field_next_to_another_field_does_not_escape_the_check(gql):
    user = make_user()
    refresh = create_refresh_token(user).token
    result = gql(
        "mutation($r: String!) { refreshToken(refreshToken: $r) { token } logoutAll { ok } }",
        {"r": refresh},
        Authorization=f"Bearer {expired_access_token(user)}",
    )
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert result.get("data") is None
