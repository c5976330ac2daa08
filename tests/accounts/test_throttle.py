"""Login throttling (apps/accounts/throttle.py): slower, then refused; per account and per IP.

Through /graphql as a client sees it, on the real store (Redis with REDIS_URL, else memory).
Delays are shortened for the tests; what is checked is that they grow and that refusals come
at the configured number of attempts.
"""

import json
import time

import pytest

from apps.accounts import throttle
from apps.accounts.models import User
from apps.accounts.services import issue_tokens
from tests.factories import make_user
from tests.helpers import point_cache_at_a_dead_redis

pytestmark = pytest.mark.django_db

GQL = "application/graphql-response+json"
LOGIN = "mutation ($u: String!, $p: String!) { tokenAuth(username: $u, password: $p) { token } }"
REFRESH = "mutation ($r: String!) { refreshToken(refreshToken: $r) { token refreshToken } }"
REGISTER = """mutation ($input: RegisterInput!) {
  register(input: $input) { user { username } errors { code field message } } }"""
PASSWORD = "correct horse battery"


def call(client, query, variables, ip="127.0.0.1"):
    return client.post(
        "/graphql",
        json.dumps({"query": query, "variables": variables}),
        content_type="application/json",
        headers={"Accept": GQL},
        REMOTE_ADDR=ip,
    )


def login(client, username, password, ip="127.0.0.1"):
    return call(client, LOGIN, {"u": username, "p": password}, ip)


def code_of(response) -> str | None:
    errors = response.json().get("errors")
    return errors[0]["extensions"]["code"] if errors else None


@pytest.fixture
def fast(settings, monkeypatch):
    """Short delays: 0.1 s after one free failure, doubling up to 0.4 s."""
    monkeypatch.setattr(throttle, "FREE_ATTEMPTS", 1)
    monkeypatch.setattr(throttle, "BASE_DELAY_SECONDS", 0.1)
    monkeypatch.setattr(throttle, "MAX_DELAY_SECONDS", 0.4)
    settings.LOGIN_THROTTLE_ACCOUNT_ATTEMPTS = 4
    settings.LOGIN_THROTTLE_IP_ATTEMPTS = 100
    settings.LOGIN_THROTTLE_WINDOW_SECONDS = 900
    return settings


@pytest.fixture
def ada():
    user = make_user(username="ada", email="ada@example.com")
    user.set_password(PASSWORD)
    user.save()
    return user


def timed(fn, *args):
    start = time.monotonic()
    result = fn(*args)
    return result, time.monotonic() - start


def test_the_delay_grows_with_failures_up_to_its_cap(monkeypatch):
    monkeypatch.setattr(throttle, "BASE_DELAY_SECONDS", 0.25)
    monkeypatch.setattr(throttle, "MAX_DELAY_SECONDS", 4.0)
    delays = [throttle.delay_for(failures, free=3) for failures in range(10)]
    assert delays == [0, 0, 0, 0.25, 0.5, 1.0, 2.0, 4.0, 4.0, 4.0]


def test_failed_logins_get_slower_then_refused_with_the_time_to_wait(client, fast, ada):
    durations = []
    for _ in range(4):
        response, seconds = timed(login, client, "ada", "wrong")
        assert code_of(response) == "UNAUTHENTICATED"
        durations.append(seconds)
    # Failures before each attempt: 0, 1, 2, 3 → waits 0, 0.1, 0.2, 0.4 s.
    assert durations[1] >= 0.1
    assert durations[2] >= 0.2
    assert durations[3] >= 0.4
    refused = login(client, "ada", "wrong")
    assert refused.status_code == 429
    [error] = refused.json()["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    retry_after = error["extensions"]["retryAfter"]
    assert 890 <= retry_after <= 900
    assert refused["Retry-After"] == str(retry_after)
    assert f"{retry_after} s" in error["message"]
    assert error["extensions"]["resetAt"] in error["message"]
    # Even the right password waits out the lock: guessing gains nothing.
    assert code_of(login(client, "ada", PASSWORD)) == "RATE_LIMITED"


def test_the_account_is_the_login_as_typed_in_any_case(client, fast, ada):
    for _ in range(4):
        login(client, " ADA ", "wrong")
    assert code_of(login(client, "Ada", PASSWORD)) == "RATE_LIMITED"


def test_a_refusal_does_not_tell_whether_the_account_exists(client, fast, ada):
    for name in ("ada", "nobody-by-this-name"):
        for _ in range(4):
            assert code_of(login(client, name, "wrong")) == "UNAUTHENTICATED"
    known, unknown = login(client, "ada", "wrong"), login(client, "nobody-by-this-name", "x")
    assert known.status_code == unknown.status_code == 429
    scrub = lambda r: {**r.json()["errors"][0], "message": None, "extensions": None}  # noqa: E731
    assert scrub(known) == scrub(unknown)
    assert (
        known.json()["errors"][0]["message"].split(" Try")[0]
        == (unknown.json()["errors"][0]["message"].split(" Try")[0])
    )


def test_a_successful_login_clears_the_accounts_failures(client, fast, ada):
    for _ in range(3):
        login(client, "ada", "wrong")
    ok = login(client, "ada", PASSWORD)
    assert ok.status_code == 200
    assert ok.json()["data"]["tokenAuth"]["token"]
    # Counting starts over: four more failures (the first without delay) before a refusal.
    first, seconds = timed(login, client, "ada", "wrong")
    assert code_of(first) == "UNAUTHENTICATED"
    assert seconds < 0.1 + 1.0  # no delay owed (a slow machine gets a second of slack)
    for _ in range(3):
        assert code_of(login(client, "ada", "wrong")) == "UNAUTHENTICATED"
    assert code_of(login(client, "ada", "wrong")) == "RATE_LIMITED"


def test_one_ip_trying_many_accounts_is_refused_but_other_ips_are_not(client, fast, ada):
    fast.LOGIN_THROTTLE_ACCOUNT_ATTEMPTS = 100
    fast.LOGIN_THROTTLE_IP_ATTEMPTS = 3
    for n in range(3):
        assert code_of(login(client, f"user{n}", "wrong", ip="192.0.2.9")) == "UNAUTHENTICATED"
    assert code_of(login(client, "ada", PASSWORD, ip="192.0.2.9")) == "RATE_LIMITED"
    # The account itself is not locked: from elsewhere, the right password works.
    assert login(client, "ada", PASSWORD, ip="192.0.2.10").json()["data"]["tokenAuth"]


def test_successful_logins_do_not_use_up_the_ips_attempts(client, fast, ada):
    fast.LOGIN_THROTTLE_IP_ATTEMPTS = 2
    for _ in range(5):
        assert login(client, "ada", PASSWORD).status_code == 200
    assert code_of(login(client, "ada", "wrong")) == "UNAUTHENTICATED"


def test_the_lock_lifts_when_the_window_ends(client, fast, ada):
    fast.LOGIN_THROTTLE_WINDOW_SECONDS = 1
    fast.LOGIN_THROTTLE_ACCOUNT_ATTEMPTS = 1
    assert code_of(login(client, "ada", "wrong")) == "UNAUTHENTICATED"
    assert code_of(login(client, "ada", PASSWORD)) == "RATE_LIMITED"
    time.sleep(1.1)
    assert login(client, "ada", PASSWORD).json()["data"]["tokenAuth"]["token"]


def test_bad_refresh_tokens_from_one_ip_are_refused_after_the_limit(client, fast, ada):
    fast.LOGIN_THROTTLE_IP_ATTEMPTS = 2
    good = issue_tokens(ada).refresh_token
    for _ in range(2):
        assert code_of(call(client, REFRESH, {"r": "not-a-token"})) == "UNAUTHENTICATED"
    refused = call(client, REFRESH, {"r": good})
    assert refused.status_code == 429
    assert code_of(refused) == "RATE_LIMITED"
    # The refused attempt did not spend the token: from another IP it still works.
    renewed = call(client, REFRESH, {"r": good}, ip="192.0.2.20")
    assert renewed.json()["data"]["refreshToken"]["token"]


def test_good_refreshes_do_not_count(client, fast, ada):
    fast.LOGIN_THROTTLE_IP_ATTEMPTS = 1
    token = issue_tokens(ada).refresh_token
    for _ in range(3):
        renewed = call(client, REFRESH, {"r": token})
        assert renewed.status_code == 200
        token = renewed.json()["data"]["refreshToken"]["refreshToken"]


def test_sign_ups_per_ip_are_capped_with_a_payload_error(client, fast):
    fast.LOGIN_THROTTLE_IP_ATTEMPTS = 2

    def register(name, ip="127.0.0.1"):
        account = {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
        return call(client, REGISTER, {"input": account}, ip).json()["data"]["register"]

    assert register("one")["errors"] == []
    assert register("two")["errors"] == []
    refused = register("three")
    assert refused["user"] is None
    [error] = refused["errors"]
    assert error["code"] == "RATE_LIMITED"
    assert "Try again in" in error["message"]
    assert not User.objects.filter(username="three").exists()
    assert register("three", ip="192.0.2.30")["errors"] == []


def test_with_redis_down_logins_are_still_throttled_in_memory(client, fast, ada, settings):
    point_cache_at_a_dead_redis(settings)
    for _ in range(4):
        assert code_of(login(client, "ada", "wrong")) == "UNAUTHENTICATED"
    assert code_of(login(client, "ada", PASSWORD)) == "RATE_LIMITED"
