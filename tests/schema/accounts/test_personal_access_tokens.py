"""createPersonalAccessToken, me { personalAccessTokens }, revokePersonalAccessToken, and
authenticating with a personal access token over HTTP."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import PersonalAccessToken
from apps.accounts.personal_tokens import hash_token
from tests.factories import make_book, make_user
from tests.schema.accounts.helpers import PASSWORD, error_codes
from tests.schema.accounts.pat_helpers import CREATE, REVOKE, TOKENS, bearer, pat

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada():
    return make_user("ada", password=PASSWORD)


def create(gql, **input):
    return gql(CREATE, {"input": {"name": "kobo sync", "scopes": ["READ"], **input}})


# --- createPersonalAccessToken ---------------------------------------------------------------


def test_create_shows_the_secret_once_and_stores_only_its_hash(gql, ada):
    gql.login(ada)
    result = create(gql, scopes=["READ", "WRITE"], expiresInDays=30)["data"][
        "createPersonalAccessToken"
    ]

    assert result["errors"] == []
    secret = result["token"]
    assert secret.startswith("bn_pat_") and len(secret) >= 47
    token = result["personalAccessToken"]
    assert token["name"] == "kobo sync"
    assert token["scopes"] == ["READ", "WRITE"]
    assert token["prefix"] == secret[:11]
    assert token["lastUsedAt"] is None
    row = PersonalAccessToken.objects.get(user=ada)
    assert row.token_hash == hash_token(secret)
    assert secret not in str(PersonalAccessToken.objects.values().get())
    assert abs(row.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    # Listed afterwards, without the secret.
    listed = gql(TOKENS)["data"]["me"]["personalAccessTokens"]
    assert [t["id"] for t in listed] == [token["id"]]
    assert "token" not in listed[0]


@pytest.mark.parametrize(
    ("input", "code", "field"),
    [
        ({"name": "  "}, "REQUIRED", "name"),
        ({"name": "x" * 101}, "INVALID", "name"),
        ({"scopes": []}, "INVALID", "scopes"),
        ({"expiresInDays": 0}, "INVALID", "expiresInDays"),
        ({"expiresInDays": 366}, "INVALID", "expiresInDays"),
    ],
)
def test_create_refuses_bad_input_with_a_code(gql, ada, input, code, field):
    gql.login(ada)
    result = create(gql, **input)["data"]["createPersonalAccessToken"]
    assert result["token"] is None and result["personalAccessToken"] is None
    assert [(e["code"], e["field"]) for e in result["errors"]] == [(code, field)]
    assert not PersonalAccessToken.objects.exists()


def test_create_needs_a_login(gql):
    result = create(gql)
    assert error_codes(result) == ["UNAUTHENTICATED"]
    assert not PersonalAccessToken.objects.exists()


def test_a_token_without_expiry_never_expires(gql, ada):
    gql.login(ada)
    token = create(gql)["data"]["createPersonalAccessToken"]["personalAccessToken"]
    assert token["expiresAt"] is None


# --- listing -------------------------------------------------------------------------------------


def test_tokens_are_listed_to_their_owner_only(gql, ada):
    bob = make_user("bob")
    pat(ada, "read", name="mine")
    pat(bob, "read", name="bobs")
    gql.login(ada)
    assert [t["name"] for t in gql(TOKENS)["data"]["me"]["personalAccessTokens"]] == ["mine"]
    others = gql('{ user(username: "bob") { personalAccessTokens { name } } }')
    assert error_codes(others) == ["NOT_ALLOWED"]
    gql.logout()
    anonymous = gql('{ user(username: "ada") { personalAccessTokens { name } } }')
    assert error_codes(anonymous) == ["UNAUTHENTICATED"]


# --- revokePersonalAccessToken ---------------------------------------------------------------


def test_revoking_stops_the_token_at_once(gql, ada):
    secret = pat(ada, "read")
    token_id = gql(TOKENS, **bearer(secret))["data"]["me"]["personalAccessTokens"][0]["id"]
    gql.login(ada)

    result = gql(REVOKE, {"id": token_id})["data"]["revokePersonalAccessToken"]

    assert result == {"id": token_id, "errors": []}
    refused = gql.logout()("{ me { username } }", **bearer(secret))
    assert error_codes(refused) == ["UNAUTHENTICATED"]
    assert refused["errors"][0]["message"] == "Personal access token has been revoked"
    assert gql.login(ada)(TOKENS)["data"]["me"]["personalAccessTokens"] == []
    again = gql(REVOKE, {"id": token_id})["data"]["revokePersonalAccessToken"]
    assert again["errors"] == [{"code": "NOT_FOUND", "field": "id"}]


def test_another_reader_cannot_revoke_a_token_and_anonymous_must_log_in(gql, ada):
    secret = pat(ada, "read")
    token_id = gql(TOKENS, **bearer(secret))["data"]["me"]["personalAccessTokens"][0]["id"]
    gql.login(make_user("mallory"))
    result = gql(REVOKE, {"id": token_id})["data"]["revokePersonalAccessToken"]
    assert result == {"id": None, "errors": [{"code": "NOT_FOUND", "field": "id"}]}
    assert error_codes(gql.logout()(REVOKE, {"id": token_id})) == ["UNAUTHENTICATED"]
    assert gql("{ me { username } }", **bearer(secret))["data"]["me"] == {"username": "ada"}


def test_revoke_with_an_id_of_another_type_is_not_found(gql, ada):
    gql.login(ada)
    result = gql(REVOKE, {"id": "VXNlcjox"})["data"]["revokePersonalAccessToken"]  # User:1
    assert result["errors"] == [{"code": "NOT_FOUND", "field": "id"}]


# --- authenticating --------------------------------------------------------------------------


def test_a_token_authenticates_as_its_reader_and_records_its_use(gql, ada, settings):
    settings.PAT_LAST_USED_INTERVAL = 300
    secret = pat(ada, "read")
    assert gql("{ me { username } }", **bearer(secret))["data"]["me"] == {"username": "ada"}
    first_use = PersonalAccessToken.objects.get().last_used_at
    assert first_use is not None
    # Within the interval, further requests do not write again.
    gql("{ me { username } }", **bearer(secret))
    assert PersonalAccessToken.objects.get().last_used_at == first_use
    # Past it, the next request does.
    PersonalAccessToken.objects.update(last_used_at=first_use - timedelta(seconds=301))
    gql("{ me { username } }", **bearer(secret))
    assert PersonalAccessToken.objects.get().last_used_at > first_use


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        ("bn_pat_forged0000000000000000000000000000000", "Invalid personal access token"),
        ("expired", "Personal access token has expired"),
        ("revoked", "Personal access token has been revoked"),
        ("disabled", "User is disabled"),
    ],
)
def test_expired_revoked_forged_or_disabled_tokens_are_unauthenticated(gql, ada, secret, message):
    if secret == "expired":
        secret = pat(ada, "read", days=1)
        now = timezone.now()
        PersonalAccessToken.objects.update(
            created_at=now - timedelta(days=2), expires_at=now - timedelta(seconds=1)
        )
    elif secret == "revoked":
        secret = pat(ada, "read")
        PersonalAccessToken.objects.update(revoked_at=timezone.now())
    elif secret == "disabled":
        secret = pat(ada, "read")
        type(ada).objects.filter(pk=ada.pk).update(is_active=False)
    result = gql("{ me { username } }", **bearer(secret))
    assert error_codes(result) == ["UNAUTHENTICATED"]
    assert result["errors"][0]["message"] == message
    assert result.get("data") is None


def test_a_token_survives_logout_everywhere_but_not_the_account(gql, ada):
    secret = pat(ada, "read")
    gql.login(ada)("mutation { logoutAll { ok } }")
    assert gql.logout()("{ me { username } }", **bearer(secret))["data"]["me"]["username"] == "ada"


def test_staff_under_a_token_is_an_ordinary_reader(gql):
    from django.contrib.auth.models import Permission

    admin = make_user("boss", is_staff=True, is_superuser=True)
    librarian = make_user("lib")
    librarian.user_permissions.add(Permission.objects.get(codename="librarian"))
    book = make_book("Dune")
    query = "query($b: ID!) { book(id: $b) { canEdit } }"
    variables = {"b": f"{_global('Book', book.pk)}"}
    for user in (admin, librarian):
        assert gql.login(user)(query, variables)["data"]["book"]["canEdit"] is True
        token = pat(user, "read", "write")
        assert gql.logout()(query, variables, **bearer(token))["data"]["book"]["canEdit"] is False
    admin.refresh_from_db()
    assert admin.is_staff and admin.is_superuser  # nothing was saved


def test_the_rate_limit_budget_is_the_readers_whatever_the_credential(gql, ada):
    secret = pat(ada, "read")
    gql.client.post("/graphql", {"query": "{ me { username } }"}, content_type="application/json")
    jwt_gql = gql.login(ada)
    first = jwt_gql.client.post(
        "/graphql",
        {"query": "{ me { username } }"},
        content_type="application/json",
        headers=jwt_gql.headers,
    )
    second = gql.client.post(
        "/graphql",
        {"query": "{ me { username } }"},
        content_type="application/json",
        headers=bearer(secret),
    )
    remaining = int(first["RateLimit-Remaining"])
    assert int(second["RateLimit-Remaining"]) == remaining - 1


def _global(type_name: str, pk: int) -> str:
    from strawberry import relay

    return str(relay.GlobalID(type_name, str(pk)))
