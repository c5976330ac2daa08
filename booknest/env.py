"""Reading settings from environment variables, failing loudly with the variable's name.

Every setting BookNest reads comes through these helpers, so a typo in a deployment stops
start-up with a message that names the variable instead of surfacing later as odd behaviour.
"""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(f"{name}: expected true/false (1/0, yes/no, on/off), got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected a whole number, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}: must be at least {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_url(name: str, default: str, schemes: set[str]) -> str:
    """A URL whose scheme is one of `schemes`; anything else stops start-up."""
    url = env_str(name, default)
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: malformed URL ({exc})") from None
    if parts.scheme not in schemes:
        expected = ", ".join(sorted(schemes))
        raise ImproperlyConfigured(
            f"{name}: unknown scheme {parts.scheme!r} in {redact(url)!r}; expected one of {expected}"
        )
    if parts.scheme not in {"sqlite", "unix"} and not parts.hostname:
        raise ImproperlyConfigured(f"{name}: malformed URL {redact(url)!r} (no host)")
    return url


def redact(url: str) -> str:
    """The URL without its password, for error messages and logs."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url
