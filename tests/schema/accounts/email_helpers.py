"""Helpers of the email-flow tests: the mutations, and running them with after-commit
callbacks executed (each test runs in a transaction that never commits)."""

from tests.schema.accounts.helpers import PASSWORD

REGISTER = """
mutation($input: RegisterInput!) {
  register(input: $input) { user { username } token errors { code field message } }
}
"""
VERIFY_EMAIL = """
mutation($token: String!) {
  verifyEmail(token: $token) { user { username } errors { code field message } }
}
"""
REQUEST_VERIFICATION = (
    "mutation { requestEmailVerification { sent errors { code field message } } }"
)
REQUEST_RESET = """
mutation($email: String!) {
  requestPasswordReset(email: $email) { ok errors { code field message } }
}
"""
RESET_PASSWORD = """
mutation($token: String!, $new: String!) {
  resetPassword(token: $token, newPassword: $new) {
    user { username email } token refreshToken payload refreshExpiresIn
    errors { code field message }
  }
}
"""
CHANGE_EMAIL = """
mutation($new: String!, $password: String!) {
  changeEmail(newEmail: $new, password: $password) { sent errors { code field message } }
}
"""
CONFIRM_EMAIL_CHANGE = """
mutation($token: String!) {
  confirmEmailChange(token: $token) { user { username } errors { code field message } }
}
"""
ME_EMAIL = "{ me { email emailVerified } }"
NEW_PASSWORD = "a much longer passphrase 2"


class Mutations:
    """Runs operations through `gql` with on-commit callbacks executed (emails handed over)."""

    def __init__(self, gql, capture):
        self.gql = gql
        self.capture = capture

    def __call__(self, query: str, variables: dict | None = None, **headers) -> dict:
        with self.capture(execute=True):
            return self.gql(query, variables, **headers)

    def payload(self, query: str, variables: dict | None = None, **headers) -> dict:
        result = self(query, variables, **headers)
        assert "errors" not in result, result
        return next(iter(result["data"].values()))

    def register(self, username: str = "ada", email: str = "ada@example.com") -> dict:
        data = {"username": username, "email": email, "password": PASSWORD}
        return self.payload(REGISTER, {"input": data})


def codes(payload: dict) -> list[tuple[str, str | None]]:
    return [(error["code"], error["field"]) for error in payload["errors"]]
