"""Shared helpers of the account tests: logging in through the API, reading error codes."""

TOKEN_AUTH = """
mutation($username: String!, $password: String!) {
  tokenAuth(username: $username, password: $password) {
    token refreshToken payload refreshExpiresIn user { username }
  }
}
"""

REFRESH = """
mutation($refreshToken: String!) {
  refreshToken(refreshToken: $refreshToken) { token refreshToken payload refreshExpiresIn }
}
"""

ME = "{ me { username } }"

PASSWORD = "correct horse battery staple"


def token_auth(gql, username: str, password: str = PASSWORD) -> dict:
    """The tokenAuth payload of a successful login (fails the test otherwise)."""
    result = gql(TOKEN_AUTH, {"username": username, "password": password})
    assert "errors" not in result, result
    return result["data"]["tokenAuth"]


def error_codes(result: dict) -> list[str]:
    """The codes of the top-level errors of a response."""
    return [error["extensions"]["code"] for error in result.get("errors", [])]


def me_with(gql, token: str, prefix: str = "Bearer") -> dict:
    """`me` sent with `Authorization: <prefix> <token>` (whatever gql's own login)."""
    return gql(ME, Authorization=f"{prefix} {token}")
