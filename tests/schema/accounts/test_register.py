"""register: a new account with a profile and its first tokens, or clear field errors."""

import pytest

from apps.accounts.models import Profile, RefreshToken, User
from tests.factories import make_user
from tests.schema.accounts.helpers import PASSWORD, me_with

pytestmark = pytest.mark.django_db

REGISTER = """
mutation($input: RegisterInput!) {
  register(input: $input) {
    user { username email profile { displayName privacy } }
    token refreshToken payload refreshExpiresIn
    errors { code field message }
  }
}
"""


def register(gql, **fields) -> dict:
    data = {"username": "ada", "email": "ada@example.com", "password": PASSWORD, **fields}
    return gql(REGISTER, {"input": data}, **{"User-Agent": "BookNest tests"})["data"]["register"]


def errors(payload: dict) -> list[tuple[str, str]]:
    return [(error["code"], error["field"]) for error in payload["errors"]]


def test_register_creates_a_logged_in_user_with_a_public_profile(gql):
    payload = register(gql, email="Ada@Example.COM")

    assert payload["errors"] == []
    assert payload["user"] == {
        "username": "ada",
        "email": "Ada@example.com",  # the domain is lower-cased, the local part kept
        "profile": {"displayName": "", "privacy": "PUBLIC"},
    }
    user = User.objects.get(username="ada")
    assert user.check_password(PASSWORD) and user.is_active and not user.is_staff
    assert Profile.objects.filter(user=user).exists()
    assert me_with(gql, payload["token"])["data"]["me"] == {"username": "ada"}
    assert payload["payload"]["sub"] == str(user.pk)
    session = RefreshToken.objects.get(user=user)
    assert session.user_agent == "BookNest tests"
    assert payload["refreshExpiresIn"] == int(session.expires_at.timestamp())


@pytest.mark.parametrize(
    ("taken", "field", "value"),
    [
        ({"username": "Ada"}, "username", "ADA"),
        ({"email": "Ada@Example.com"}, "email", "ada@EXAMPLE.com"),
    ],
)
def test_register_refuses_a_taken_username_or_email_in_any_case(gql, taken, field, value):
    make_user(**{"username": "someone", "email": "someone@example.com", **taken})

    payload = register(gql, **{field: value})

    assert errors(payload) == [("CONFLICT", field)]
    assert payload["user"] is None and payload["token"] is None
    assert User.objects.count() == 1


def test_register_refuses_a_weak_password_with_each_rule_broken(gql):
    payload = register(gql, password="1234567")

    assert payload["user"] is None
    assert {code for code, _ in errors(payload)} == {"PASSWORD_TOO_WEAK"}
    assert {field for _, field in errors(payload)} == {"password"}
    messages = " ".join(error["message"] for error in payload["errors"])
    assert "too short" in messages and "too common" in messages and "entirely numeric" in messages
    assert not User.objects.exists()


def test_register_refuses_a_password_like_the_username(gql):
    payload = register(gql, username="margaretatwood", password="margaretatwood")

    assert ("PASSWORD_TOO_WEAK", "password") in errors(payload)
    assert any("too similar" in error["message"] for error in payload["errors"])


@pytest.mark.parametrize("email", ["not-an-email", "ada@", "@example.com", "ada@exa mple.com"])
def test_register_refuses_a_bad_email(gql, email):
    assert errors(register(gql, email=email)) == [("INVALID", "email")]


@pytest.mark.parametrize("username", ["ab", "a" * 31, "ada lovelace", "ada@home", "ådå", "ada!"])
def test_register_refuses_a_bad_username(gql, username):
    assert errors(register(gql, username=username)) == [("INVALID", "username")]


@pytest.mark.parametrize("field", ["username", "email", "password"])
def test_register_refuses_nul_characters(gql, field):
    # Refused before the mutation runs (schema/storable.py): a top-level BAD_USER_INPUT.
    value = {"username": "a\x00da", "email": "ada\x00@example.com", "password": PASSWORD + "\x00"}
    data = {"username": "ada", "email": "ada@example.com", "password": PASSWORD}
    result = gql(REGISTER, {"input": {**data, field: value[field]}})

    assert "data" not in result
    [error] = result["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["path"] == f"input.{field}"
    assert "NUL" in error["message"]
    assert not User.objects.exists()


def test_register_reports_every_problem_at_once(gql):
    make_user("ada")
    payload = register(gql, username="ADA", email="", password="")

    assert ("CONFLICT", "username") in errors(payload)
    assert ("REQUIRED", "email") in errors(payload)
    assert ("PASSWORD_TOO_WEAK", "password") in errors(payload)


def test_register_accepts_dots_hyphens_and_underscores(gql):
    payload = register(gql, username="Ada.L-ove_1")

    assert payload["errors"] == []
    assert payload["user"]["username"] == "Ada.L-ove_1"
