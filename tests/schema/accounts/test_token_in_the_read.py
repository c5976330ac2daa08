"""An access token is asked about once per operation: in a compiled read's own statement, or
before anything else runs (schema/auth.py). Either way a refused token gets the same answer,
message, status and precedence, and spends nothing."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from apps.accounts.models import Session
from apps.accounts.sessions import start_session
from apps.accounts.tokens import (
    TokenError,
    create_access_token,
    decode_access_token,
    token_users,
    user_for_claims,
)
from bench.screens import counting_queries
from tests.conftest import comparable
from tests.factories import make_user
from tests.schema.accounts.helpers import error_codes

pytestmark = pytest.mark.django_db

ME = "query { me { username } }"
NOW = timezone.now


def _bump_version(user, session):
    user.token_version += 1
    user.save(update_fields=["token_version"])


def _end_session(user, session):
    Session.objects.filter(pk=session.pk).update(revoked_at=NOW())


def _disable(user, session):
    user.is_active = False
    user.save(update_fields=["is_active"])


def _suspend(until):
    def suspend(user, session):
        user.suspended_at = NOW() - timedelta(days=2)
        user.suspended_until = None if until is None else NOW() + until
        user.save(update_fields=["suspended_at", "suspended_until"])

    return suspend


def _delete(user, session):
    user.delete()


# What happens to a reader after their token was issued, and what the token is then told.
AFTERWARDS = {
    "nothing": (lambda user, session: None, None),
    "suspension lapsed": (_suspend(-timedelta(days=1)), None),
    "token version bumped": (_bump_version, "Token has been revoked"),
    "session ended": (_end_session, "Token has been revoked"),
    "account disabled": (_disable, "User is disabled"),
    "suspended indefinitely": (_suspend(None), "This account is suspended."),
    "suspended until tomorrow": (_suspend(timedelta(days=1)), "This account is suspended."),
    "account deleted": (_delete, "User not found"),
}


def issued(afterwards: str, *, with_session: bool = True) -> str:
    """A token of a new reader, then what `afterwards` names done to the reader."""
    user = make_user()
    session = start_session(user, expires_at=NOW() + timedelta(days=1)) if with_session else None
    token, _ = create_access_token(user, session.pk if session else None)
    AFTERWARDS[afterwards][0](user, session)
    return token


@pytest.mark.parametrize(
    ("afterwards", "with_session"),
    [(name, True) for name in AFTERWARDS]
    + [(name, False) for name in AFTERWARDS if name != "session ended"],
)
def test_the_token_rule_in_sql_is_the_rule_in_python(afterwards, with_session):
    claims = decode_access_token(issued(afterwards, with_session=with_session))
    try:
        user_for_claims(claims)
        stands = True
    except TokenError:
        stands = False
    assert stands == (AFTERWARDS[afterwards][1] is None)
    sid = claims.get("sid")
    assert token_users(int(claims["sub"]), claims["ver"], sid).exists() == stands


@pytest.mark.parametrize("afterwards", AFTERWARDS)
def test_a_refused_token_is_refused_alike_by_a_compiled_read_and_the_resolver_path(gql, afterwards):
    token = issued(afterwards)
    headers = {"Authorization": f"Bearer {token}"}
    with override_settings(GRAPHQL_COMPILED_READS=True):
        compiled = gql(ME, **headers)
    with override_settings(GRAPHQL_COMPILED_READS=False):
        resolved = gql(ME, **headers)
    assert comparable(compiled) == comparable(resolved)
    message = AFTERWARDS[afterwards][1]
    if message is None:
        assert compiled["data"]["me"]["username"]
    else:
        assert error_codes(compiled) == ["UNAUTHENTICATED"]
        assert compiled["errors"][0]["message"] == message
        assert compiled.get("data") is None


def test_a_refused_token_answers_401(client):
    response = client.post(
        "/graphql",
        {"query": ME},
        content_type="application/json",
        headers={
            "Accept": "application/graphql-response+json",
            "Authorization": f"Bearer {issued('token version bumped')}",
        },
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["errors"][0]["message"] == "Token has been revoked"


def test_a_logged_in_read_asks_about_its_token_in_its_own_statement(gql):
    if connection.vendor != "postgresql":
        pytest.skip("compiled reads run on PostgreSQL")
    token = issued("nothing")
    headers = {"Authorization": f"Bearer {token}"}
    gql.once(ME, **headers)  # plans it
    with counting_queries() as statements:
        assert gql.once(ME, **headers)["data"]["me"]["username"]
    assert len(statements) == 1, statements
    assert "EXISTS" in statements[0]
    _bump_version(reader_of(token), None)
    with counting_queries() as statements:
        refused = gql.once(ME, **headers)
    assert error_codes(refused) == ["UNAUTHENTICATED"]
    # The statement found the token refused; the reason is asked after.
    assert len(statements) == 2, statements


def reader_of(token: str):
    from apps.accounts.models import User

    return User.objects.get(pk=decode_access_token(token)["sub"])


def rate_limit_remaining(client, token: str) -> int:
    response = client.post(
        "/graphql",
        {"query": ME},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.json()["data"]["me"]
    return int(response["RateLimit-Remaining"])


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "resolver path"])
def test_a_refused_token_spends_none_of_its_readers_points(client, settings, compiled):
    settings.RATE_LIMIT_ENABLED = True
    settings.GRAPHQL_COMPILED_READS = compiled
    old = issued("nothing")
    user = reader_of(old)
    _bump_version(user, None)
    new, _ = create_access_token(user)
    first, second = rate_limit_remaining(client, new), rate_limit_remaining(client, new)
    refused = client.post(
        "/graphql",
        {"query": ME},
        content_type="application/json",
        headers={"Authorization": f"Bearer {old}"},
    )
    assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "RateLimit-Remaining" not in refused
    assert rate_limit_remaining(client, new) == second - (first - second)


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "resolver path"])
def test_a_refused_token_comes_before_the_rate_limit(client, settings, compiled):
    settings.RATE_LIMIT_ENABLED = True
    settings.RATE_LIMIT_POINTS = 3
    settings.GRAPHQL_COMPILED_READS = compiled
    old = issued("nothing")
    user = reader_of(old)
    _bump_version(user, None)
    new, _ = create_access_token(user)

    def post(token):
        return client.post(
            "/graphql",
            {"query": ME},
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )

    assert [post(new).status_code for _ in range(4)] == [200, 200, 200, 429]
    # The reader's budget is spent, but the old token names no reader at all.
    refused = post(old)
    assert refused.status_code == 200
    assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert refused.json()["errors"][0]["message"] == "Token has been revoked"
