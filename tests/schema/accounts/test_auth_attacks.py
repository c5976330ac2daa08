"""Forged, expired, revoked and misplaced tokens in the Authorization header.

Each must fail the operation with a top-level UNAUTHENTICATED error — never a 500 and never
an answer as somebody (or as anonymous, which would hide that the token was refused).
"""

import base64
import json
import time

import jwt
import pytest
from django.conf import settings

from apps.accounts.tokens import access_token_payload, create_access_token, create_refresh_token
from tests.factories import make_user
from tests.helpers import without_cost

pytestmark = [
    pytest.mark.django_db,
    # The HS512 forgery uses the server's (HS256-sized) key on purpose.
    pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning"),
]

ME = {"query": "{ me { username } }"}


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def sign(payload: dict, algorithm: str | None = None, key: str | None = None) -> str:
    return jwt.encode(
        payload, key or settings.JWT_SECRET_KEY, algorithm=algorithm or settings.JWT_ALGORITHM
    )


def alg_none(user) -> str:
    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(access_token_payload(user))}."


def hs512(user) -> str:
    return sign(access_token_payload(user), "HS512")


def wrong_key(user) -> str:
    return sign(access_token_payload(user), key="not-the-server-secret-but-long-enough-0123")


def tampered(user) -> str:
    # A valid token of `user` whose claims now say someone else: the signature no longer fits.
    victim = make_user()
    header, _, signature = create_access_token(user)[0].split(".")
    claims = {**access_token_payload(user), "sub": str(victim.pk), "username": victim.username}
    return f"{header}.{b64(claims)}.{signature}"


def expired(user) -> str:
    now = int(time.time())
    return sign({**access_token_payload(user), "iat": now - 3600, "exp": now - 1800})


def no_expiry(user) -> str:
    claims = access_token_payload(user)
    del claims["exp"]
    return sign(claims)


def refresh_token(user) -> str:
    return create_refresh_token(user).token


def refresh_typed_jwt(user) -> str:
    # Correctly signed, but claims to be a refresh token.
    return sign({**access_token_payload(user), "type": "refresh"})


def other_issuer(user) -> str:
    return sign({**access_token_payload(user), "iss": "someone-else"})


def deleted_user(user) -> str:
    token = create_access_token(user)[0]
    user.delete()
    return token


def deactivated_user(user) -> str:
    token = create_access_token(user)[0]
    user.is_active = False
    user.save()
    return token


def old_token_version(user) -> str:
    token = create_access_token(user)[0]
    user.token_version += 1
    user.save()
    return token


def garbage(user) -> str:
    return "ey.garbage.\x7f"


FORGERIES = [
    alg_none,
    hs512,
    wrong_key,
    tampered,
    expired,
    no_expiry,
    refresh_token,
    refresh_typed_jwt,
    other_issuer,
    deleted_user,
    deactivated_user,
    old_token_version,
    garbage,
]


def post(client, authorization: str, accept: str = "application/json"):
    return client.post(
        "/graphql",
        ME,
        content_type="application/json",
        headers={"Authorization": authorization, "Accept": accept},
    )


def assert_refused(response) -> None:
    assert response.status_code in (200, 401), response.content[:300]
    body = response.json()
    assert body.get("data") is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]


@pytest.mark.parametrize("forge", FORGERIES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("prefix", ["Bearer", "JWT"])
def test_forged_or_dead_tokens_are_refused(client, forge, prefix):
    token = forge(make_user())

    assert_refused(post(client, f"{prefix} {token}"))


@pytest.mark.parametrize("forge", FORGERIES, ids=lambda f: f.__name__)
def test_refusals_are_not_server_errors_under_the_graphql_response_media_type(client, forge):
    response = post(client, f"Bearer {forge(make_user())}", "application/graphql-response+json")

    assert response.status_code != 500
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["UNAUTHENTICATED"]


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer ", "JWT", "Token abc", "Basic dXNlcjpwYXNz", "abc", "Bearer\tabc", "  "],
)
def test_malformed_authorization_headers_are_refused(client, header):
    assert_refused(post(client, header))


def test_a_valid_token_still_works(client):
    user = make_user("ada")

    response = post(client, f"Bearer {create_access_token(user)[0]}")

    assert response.status_code == 200
    assert without_cost(response.json()) == {"data": {"me": {"username": "ada"}}}


def test_a_refused_token_also_refuses_mutations(client):
    user = make_user()
    response = client.post(
        "/graphql",
        {"query": "mutation { logoutAll { ok } }"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {expired(user)}"},
    )

    assert_refused(response)
    user.refresh_from_db()
    assert user.token_version == 0
