"""Shared fixtures. Tests run on PostgreSQL + Redis when DATABASE_URL / REDIS_URL are set."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture
def shared_data() -> Path:
    """The shared data folder (goodbooks-10k, book-crossing); skips the test when absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


class GraphQLClient:
    """Posts GraphQL operations to /graphql as a client would, and returns the decoded body."""

    def __init__(self, client):
        self.client = client
        self.headers: dict[str, str] = {}

    def __call__(self, query: str, variables: dict | None = None, **headers) -> dict:
        response = self.client.post(
            "/graphql",
            {"query": query, "variables": variables or {}},
            content_type="application/json",
            headers={**self.headers, **headers},
        )
        assert response.status_code in (200, 400), response.content[:500]
        return response.json()

    def login(self, user) -> "GraphQLClient":
        """Send later operations as `user`, with a fresh access token in the header."""
        from apps.accounts.tokens import create_access_token

        token, _ = create_access_token(user)
        self.headers["Authorization"] = f"Bearer {token}"
        return self

    def logout(self) -> "GraphQLClient":
        self.headers.pop("Authorization", None)
        return self


@pytest.fixture
def gql(client) -> GraphQLClient:
    return GraphQLClient(client)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 at production strength costs ~0.3 s a hash; tests check behaviour, not hash strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
