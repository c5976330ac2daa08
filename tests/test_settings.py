"""Settings come from the environment; a bad value stops start-up with the variable's name."""

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

CLEAN_ENV = {
    k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
}


def start(**env: str) -> subprocess.CompletedProcess:
    """Load the settings in a fresh interpreter, as `manage.py` or daphne would."""
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env={**CLEAN_ENV, "DJANGO_SETTINGS_MODULE": "booknest.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_embedded_defaults_start_in_debug_without_any_variable():
    result = start(DJANGO_DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = start()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
    assert "required" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DATABASE_URL", "mysql://root@localhost/booknest", "unknown scheme 'mysql'"),
        ("DATABASE_URL", "postgres://user:pw@host:notaport/db", "malformed URL"),
        ("DATABASE_URL", "postgres:///nohost", "no host"),
        ("REDIS_URL", "http://localhost:6379", "unknown scheme 'http'"),
        ("REDIS_URL", "redis://localhost:99999999/0", "malformed URL"),
        ("DJANGO_DEBUG", "maybe", "expected true/false"),
        ("DATABASE_POOL_MAX_SIZE", "ten", "expected a whole number"),
        ("DATABASE_POOL_MAX_SIZE", "0", "at least 1"),
        ("LOG_LEVEL", "LOUD", "unknown level"),
    ],
)
def test_bad_value_stops_start_up_naming_the_variable(variable, value, message):
    result = start(**{"DJANGO_DEBUG": "true", variable: value})
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert variable in last_line
    assert message in last_line


def test_password_in_a_bad_url_is_not_printed():
    result = start(DJANGO_DEBUG="true", DATABASE_URL="mysql://root:hunter2@db/booknest")
    assert result.returncode != 0
    assert "hunter2" not in result.stderr
