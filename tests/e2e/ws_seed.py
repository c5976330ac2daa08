"""Seed a live server's database for the WebSocket tests; prints ids and tokens as JSON.

Run in the server's environment: `python -m tests.e2e.ws_seed` (Django is set up here).
"""

import json
import os
import sys

import django

LIV_PASSWORD = "liv's live password"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "booknest.settings")
    django.setup()
    from django.test import override_settings
    from strawberry.relay import to_base64

    from apps.accounts.tokens import create_access_token
    from tests.factories import make_book, make_book_copy, make_import_job, make_user

    def token(user) -> str:
        return create_access_token(user)[0]

    users = {name: make_user(name) for name in ("ada", "bob", "cyd", "dan", "eve")}
    # Liv logs in through the API (tokenAuth: sessions), for the revocation tests.
    users["liv"] = make_user("liv", password=LIV_PASSWORD)
    revoked = make_user("rev")
    revoked_token = token(revoked)
    revoked.token_version += 1
    revoked.save(update_fields=["token_version"])
    with override_settings(JWT_ACCESS_TOKEN_LIFETIME=-60):
        expired_token = token(users["ada"])
    book = make_book("Live Book")
    other_book = make_book("Other Book")
    make_book_copy(book=book, owner=users["dan"])
    job = make_import_job(users["ada"])
    json.dump(
        {
            "users": {
                name: {"id": to_base64("User", user.pk), "pk": user.pk, "token": token(user)}
                for name, user in users.items()
            },
            "expired_token": expired_token,
            "revoked_token": revoked_token,
            "book": to_base64("Book", book.pk),
            "other_book": to_base64("Book", other_book.pk),
            "job": to_base64("ImportJob", job.pk),
            "job_pk": job.pk,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
