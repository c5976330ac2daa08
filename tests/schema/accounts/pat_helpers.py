"""Shared helpers of the personal access token tests."""

from apps.accounts.personal_tokens import create_personal_access_token

CREATE = """
mutation($input: CreatePersonalAccessTokenInput!) {
  createPersonalAccessToken(input: $input) {
    token
    personalAccessToken { id name scopes prefix createdAt lastUsedAt expiresAt }
    errors { code field message }
  }
}
"""
REVOKE = """
mutation($id: ID!) { revokePersonalAccessToken(id: $id) { id errors { code field } } }
"""
TOKENS = "{ me { personalAccessTokens { id name scopes prefix lastUsedAt expiresAt } } }"


def pat(user, *scopes: str, days: int | None = None, name: str = "script") -> str:
    """A fresh personal access token's secret (scopes `read`/`write`; default: both)."""
    _, secret = create_personal_access_token(user, name, list(scopes or ("read", "write")), days)
    return secret


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}
