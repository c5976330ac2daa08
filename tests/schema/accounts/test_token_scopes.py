"""What a personal access token may run: READ for queries and subscriptions, WRITE for the
declared mutations, and never the account's own mutations (schema/token_scopes.py)."""

import pytest
from graphql import build_schema
from strawberry import relay

from apps.reading.models import Rating
from schema import schema
from schema.token_scopes import WRITE_MUTATIONS
from tests.factories import make_book, make_user
from tests.schema.accounts.helpers import PASSWORD, error_codes
from tests.schema.accounts.pat_helpers import bearer, pat

pytestmark = pytest.mark.django_db

RATE = "mutation($b: ID!) { rateBook(bookId: $b, value: 4) { errors { code } } }"

# Mutations no token may call: the account, its credentials, its data, and the catalogue.
SESSION_ONLY = {
    "tokenAuth",
    "verifyToken",
    "refreshToken",
    "revokeToken",
    "logoutAll",
    "register",
    "changePassword",
    "updateProfile",
    "uploadAvatar",
    "removeAvatar",
    "createPersonalAccessToken",
    "revokePersonalAccessToken",
    "exportPersonalData",
    "deleteAccount",
    "createBook",
    "updateBook",
    "deleteBook",
    "createAuthor",
    "updateAuthor",
    "mergeBooks",
    "mergeAuthors",
    "createEdition",
    "updateEdition",
    "deleteEdition",
    "setDefaultEdition",
    "moveEdition",
    "addContentWarning",
    "uploadBookCover",
    "removeBookCover",
    "uploadAuthorPhoto",
    "removeAuthorPhoto",
    "importBookByIsbn",
    # Email and sessions: a token may never change an address or a password, nor end sessions.
    "verifyEmail",
    "requestEmailVerification",
    "requestPasswordReset",
    "resetPassword",
    "changeEmail",
    "confirmEmailChange",
    "revokeSession",
    "resolveReport",
    "unsuspendUser",
}


@pytest.fixture
def ada():
    return make_user("ada", password=PASSWORD)


@pytest.fixture
def book():
    return make_book("Dune")


def book_id(book) -> str:
    return str(relay.GlobalID("Book", str(book.pk)))


def assert_forbidden(result: dict, scope: str | None) -> None:
    assert error_codes(result) == ["FORBIDDEN"], result
    assert result["errors"][0]["extensions"]["requiredScope"] == scope
    if scope:
        assert f"the {scope} scope" in result["errors"][0]["message"]
    assert result.get("data") is None


def test_every_mutation_is_declared_writable_or_session_only():
    """A new mutation is refused to tokens until someone decides: add it to WRITE_MUTATIONS
    (schema/token_scopes.py) or to SESSION_ONLY here."""
    mutations = set(build_schema(schema.as_str()).mutation_type.fields)
    assert mutations >= WRITE_MUTATIONS, WRITE_MUTATIONS - mutations
    assert not (WRITE_MUTATIONS & SESSION_ONLY)
    assert mutations == WRITE_MUTATIONS | SESSION_ONLY, mutations ^ (WRITE_MUTATIONS | SESSION_ONLY)


def test_a_read_token_may_query_but_not_mutate(gql, ada, book):
    secret = pat(ada, "read")
    assert gql("{ me { username } }", **bearer(secret))["data"]["me"] == {"username": "ada"}
    result = gql(RATE, {"b": book_id(book)}, **bearer(secret))
    assert_forbidden(result, "WRITE")
    assert "WRITE" in result["errors"][0]["message"]
    assert not Rating.objects.exists()


def test_a_write_token_may_call_a_declared_mutation(gql, ada, book):
    secret = pat(ada, "write")
    result = gql(RATE, {"b": book_id(book)}, **bearer(secret))
    assert result["data"]["rateBook"] == {"errors": []}
    assert Rating.objects.get().user_id == ada.pk


def test_a_write_only_token_may_not_query(gql, ada):
    assert_forbidden(gql("{ me { username } }", **bearer(pat(ada, "write"))), "READ")


@pytest.mark.parametrize(
    "operation",
    [
        'mutation { changePassword(oldPassword: "PW", newPassword: "x very long one 2") '
        "{ errors { code } } }",
        'mutation { createPersonalAccessToken(input: {name: "more", scopes: [READ, WRITE]}) '
        "{ token } }",
        'mutation { revokePersonalAccessToken(id: "UGVyc29uYWxBY2Nlc3NUb2tlbjox") { id } }',
        'mutation { deleteAccount(password: "PW") { errors { code } } }',
        "mutation { exportPersonalData { errors { code } } }",
        "mutation { logoutAll { ok } }",
        'mutation { updateProfile(input: {bio: "pwned"}) { errors { code } } }',
        # Hidden in a fragment, or next to an allowed mutation: refused all the same.
        'mutation { ...F } fragment F on Mutation { deleteAccount(password: "PW") '
        "{ errors { code } } }",
        'mutation { follow(userId: "VXNlcjo5OTk=") { errors { code } } '
        '... on Mutation { deleteAccount(password: "PW") { errors { code } } } }',
    ],
)
def test_a_write_token_never_touches_the_account(gql, ada, operation):
    from apps.accounts.models import PersonalAccessToken, User

    secret = pat(ada, "read", "write")
    result = gql(operation.replace("PW", PASSWORD), **bearer(secret))
    assert_forbidden(result, None)
    assert "cannot be called with a personal access token" in result["errors"][0]["message"]
    ada_now = User.objects.get(pk=ada.pk)
    assert ada_now.check_password(PASSWORD)
    assert not ada_now.personal_data_exports.exists()
    assert PersonalAccessToken.objects.filter(user=ada, revoked_at__isnull=True).count() == 1
    assert gql("{ me { username } }", **bearer(secret))["data"]["me"] == {"username": "ada"}


def test_sessions_are_not_limited_by_scopes(gql, ada, book):
    gql.login(ada)
    assert gql(RATE, {"b": book_id(book)})["data"]["rateBook"] == {"errors": []}
    token = gql(
        'mutation { createPersonalAccessToken(input: {name: "n", scopes: [READ]}) { token } }'
    )["data"]["createPersonalAccessToken"]["token"]
    assert token.startswith("bn_pat_")


def test_over_http_a_refused_scope_is_403_insufficient_scope(client, ada):
    secret = pat(ada, "read")
    response = client.post(
        "/graphql",
        {"query": "mutation { logoutAll { ok } }"},
        content_type="application/json",
        headers={**bearer(secret), "Accept": "application/graphql-response+json"},
    )
    assert response.status_code == 403
    assert response["WWW-Authenticate"] == 'Bearer error="insufficient_scope"'
    response = client.post(
        "/graphql",
        {"query": 'mutation { unfollow(userId: "VXNlcjox") { errors { code } } }'},
        content_type="application/json",
        headers={**bearer(secret), "Accept": "application/graphql-response+json"},
    )
    assert response.status_code == 403
    assert response["WWW-Authenticate"] == 'Bearer error="insufficient_scope", scope="write"'
    # Legacy application/json clients get 200 with the error, as for other request errors.
    legacy = client.post(
        "/graphql",
        {"query": "mutation { logoutAll { ok } }"},
        content_type="application/json",
        headers=bearer(secret),
    )
    assert legacy.status_code == 200
    assert legacy.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
