"""`EMAIL_URL` → Django's email settings, in the style of booknest/env.py (bad values stop start-up).

    console://                              print messages to the console (the default)
    locmem://                               keep them in `django.core.mail.outbox` (tests)
    dummy://                                drop them
    smtp://user:password@host:587?tls=true  SMTP with STARTTLS (`ssl=true` for implicit TLS,
    smtps://user:password@host:465          same as `ssl=true`; `timeout=<seconds>`, default 10)

User and password are percent-decoded (`%40` for `@`).
"""

from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

from booknest.env import FALSE, TRUE, redact

BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
}


def _flag(name: str, query: dict, key: str) -> bool:
    raw = query.get(key, ["false"])[-1].strip().lower()
    if raw in TRUE:
        return True
    if raw in FALSE:
        return False
    raise ImproperlyConfigured(f"{name}: `{key}` must be true or false, got {raw!r}")


def email_settings(name: str, url: str) -> dict:
    """The EMAIL_* settings for `url`, read from the variable `name`."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: malformed URL ({exc})") from None
    if parts.scheme not in BACKENDS:
        expected = ", ".join(f"{scheme}://" for scheme in BACKENDS)
        raise ImproperlyConfigured(
            f"{name}: unknown scheme {parts.scheme!r} in {redact(url)!r}; expected {expected}"
        )
    result = {"EMAIL_BACKEND": BACKENDS[parts.scheme]}
    if not parts.scheme.startswith("smtp"):
        return result
    if not parts.hostname:
        raise ImproperlyConfigured(f"{name}: malformed URL {redact(url)!r} (no host)")
    query = parse_qs(parts.query)
    use_ssl = parts.scheme == "smtps" or _flag(name, query, "ssl")
    use_tls = _flag(name, query, "tls")
    if use_ssl and use_tls:
        raise ImproperlyConfigured(f"{name}: choose `tls=true` (STARTTLS) or SSL, not both")
    try:
        timeout = int(query.get("timeout", ["10"])[-1])
    except ValueError:
        raise ImproperlyConfigured(f"{name}: `timeout` must be a whole number of seconds") from None
    result.update(
        EMAIL_HOST=parts.hostname,
        EMAIL_PORT=port or (465 if use_ssl else 587 if use_tls else 25),
        EMAIL_HOST_USER=unquote(parts.username or ""),
        EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
        EMAIL_USE_TLS=use_tls,
        EMAIL_USE_SSL=use_ssl,
        EMAIL_TIMEOUT=timeout,
    )
    return result
