"""The lean path for /graphql (booknest/lean.py) answers exactly as Django's handler does.

Each request is sent twice, as daphne would send it: to Django's own ASGI handler (what
`/graphql` was served by before, and still is with GRAPHQL_LEAN_PATH off) and to the project's
ASGI application (booknest.asgi.application: the lean path). Status, headers (all of them,
in order, `X-Request-ID` included: the requests carry their own), body, the log records and
the Prometheus counters must be the same (the seconds left in a rate-limit window, which a
second passing between the two sends changes, within a second). Each send starts from fresh rate-limit budgets, so
that the second does not see the first's spending.
"""

import asyncio
import hashlib
import json
import logging
import re
import uuid

import pytest
from asgiref.sync import async_to_sync
from django.core.handlers.asgi import ASGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from prometheus_client import REGISTRY

from apps.accounts import throttle
from apps.accounts.tokens import create_access_token
from apps.reading.models import Rating
from bench.screens import BOOK_PAGE
from tests.asgi_client import asgi_request
from tests.factories import make_book, make_review, make_user
from tests.schema.lending.helpers import gid

pytestmark = pytest.mark.django_db

APP = "https://app.example"
JSON = ("content-type", "application/json")
LOGGERS = ("booknest.operations", "django.request", "django.security.DisallowedHost")
COUNTED = ("booknest_graphql_operations_total", "booknest_graphql_errors_total")


# Values that depend on the second a request is served (the rate-limit window's end).
CLOCK_HEADERS = ("RateLimit-Reset", "Retry-After")
CLOCK_BODY = re.compile(rb'("resetAt": ?"|"retryAfter": ?|resets at |\(in )[^",)]*')


def off_the_clock(answer) -> tuple:
    """Headers (in order) and body, the values of CLOCK_HEADERS and CLOCK_BODY masked."""
    clock = {name.lower() for name in CLOCK_HEADERS}
    headers = [(k, "<clock>" if k.lower() in clock else v) for k, v in answer.headers]
    return headers, CLOCK_BODY.sub(rb"\1<clock>", answer.body)


def counters() -> dict:
    """The counters an operator watches for /graphql: operations and errors by label."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for metric in REGISTRY.collect()
        for sample in metric.samples
        if sample.name in COUNTED
    }


class LogRecords(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)

    def seen(self) -> list[tuple]:
        """What an operator reads in each record, less the timings."""
        fields = (
            "request_id",
            "transport",
            "operation_name",
            "operation_type",
            "outcome",
            "user_id",
        )
        return [
            (
                r.name,
                r.levelname,
                r.getMessage().split(" in ")[0],  # "query Name: ok" without "in 3.2 ms, …"
                getattr(r, "status_code", None),
                *(getattr(r, name, None) for name in fields),
                tuple(getattr(r, "error_codes", ())),
            )
            for r in self.records
            if r.name in LOGGERS
        ]


def send(app, method, path="/graphql", *, headers=(), body=b"", query_string="", **scope):
    """One request to `app`, with fresh rate-limit budgets; its answer, log records, counters."""
    throttle.NAMESPACE = f"ratelimit-test-{uuid.uuid4().hex[:16]}"
    handler = LogRecords()
    loggers = [logging.getLogger(name) for name in LOGGERS]
    for logger in loggers:
        logger.addHandler(handler)
    before = counters()
    # As Django's test client: the test's own connection (and transaction) stays open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        answer = async_to_sync(asgi_request)(
            app, method, path, headers=list(headers), body=body, query_string=query_string, **scope
        )
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        for logger in loggers:
            logger.removeHandler(handler)
    after = counters()
    counted = {
        key: after[key] - before.get(key, 0) for key in after if after[key] != before.get(key, 0)
    }
    return answer, handler.seen(), counted


def both_ways(method, path="/graphql", *, headers=(), **kwargs):
    """The answer of Django's handler and of the lean path; asserts they are the same."""
    from booknest.asgi import application

    headers = [("x-request-id", f"test-{uuid.uuid4().hex}"), *headers]
    django = send(ASGIHandler(), method, path, headers=headers, **kwargs)
    lean = send(application, method, path, headers=headers, **kwargs)
    django_answer, django_logs, django_counted = django
    lean_answer, lean_logs, lean_counted = lean
    assert lean_answer.status == django_answer.status
    for name in CLOCK_HEADERS:  # seconds left in the rate-limit window: a second may pass
        both = [answer.header(name) for answer in (django_answer, lean_answer)]
        assert both[0] == both[1] or abs(int(both[0]) - int(both[1])) <= 1
    assert off_the_clock(lean_answer) == off_the_clock(django_answer)
    assert lean_logs == django_logs
    assert lean_counted == django_counted
    return lean_answer, lean_logs, lean_counted


def post(query: str, variables: dict | None = None, *, headers=(), **body_fields):
    body = json.dumps({"query": query, "variables": variables or {}, **body_fields})
    return both_ways("POST", headers=[JSON, *headers], body=body.encode())


def bearer(user) -> tuple[str, str]:
    token, _ = create_access_token(user)
    return ("authorization", f"Bearer {token}")


def test_a_query_is_answered_the_same(settings):
    answer, logs, counted = post("{ __typename }")
    assert answer.status == 200
    assert json.loads(answer.body)["data"] == {"__typename": "Query"}
    for header in ("X-Content-Type-Options", "Referrer-Policy", "Cross-Origin-Opener-Policy"):
        assert answer.header(header)  # Django's security headers, on the lean path too
    assert answer.header("X-Frame-Options") == "DENY"
    assert [record[2] for record in logs] == ["query anonymous: ok"]
    assert counted  # the operation was counted


def test_the_book_page_of_a_logged_in_reader_is_answered_the_same():
    reader = make_user()
    book = make_book()
    for _ in range(3):
        make_review(book=book)
    answer, logs, _ = post(BOOK_PAGE, {"id": gid(book), "first": 10}, headers=[bearer(reader)])
    data = json.loads(answer.body)["data"]["book"]
    assert data["reviews"]["totalCount"] == 3
    assert logs[0][-2] == reader.pk  # the operation's log record names the reader
    assert "RateLimit-Remaining" in dict(answer.headers)


def test_mutations_are_answered_the_same():
    reader = make_user()
    book = make_book()
    # Idempotent: the second send finds the rating the first one made, and answers the same.
    rate = "mutation ($b: ID!) { rateBook(bookId: $b, value: 4) { errors { code } } }"
    answer, logs, _ = post(rate, {"b": gid(book)}, headers=[bearer(reader)])
    assert json.loads(answer.body)["data"]["rateBook"]["errors"] == []
    assert logs[0][2] == "mutation anonymous: ok"
    assert Rating.objects.get(user=reader, book=book).value == 4
    # Wrong credentials: a top-level error, counted and logged alike.
    login = 'mutation { tokenAuth(username: "nobody", password: "wrong") { token } }'
    answer, logs, counted = post(login)
    assert json.loads(answer.body)["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert any(key[0] == "booknest_graphql_errors_total" for key in counted)


def test_get_queries_and_refused_get_mutations_are_answered_the_same():
    answer, _, _ = both_ways("GET", query_string="query=%7B__typename%7D")
    assert answer.status == 200
    answer, _, _ = both_ways(
        "GET", query_string="query=mutation%7BrevokeToken(refreshToken:%22x%22)%7Bok%7D%7D"
    )
    assert answer.status == 405
    assert answer.header("Allow") == "GET, POST"


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        ([("content-type", "text/plain")], b'{"query": "{ __typename }"}', 415),
        ([JSON], b'{"query": ', 400),
        ([JSON, ("accept", "text/csv")], b'{"query": "{ __typename }"}', 406),
        ([JSON, ("accept", "application/graphql-response+json")], b'{"query": "{ nope }"}', 400),
    ],
)
def test_malformed_requests_are_refused_the_same(headers, body, status):
    answer, logs, _ = both_ways("POST", headers=headers, body=body)
    assert answer.status == status
    assert any(record[0] == "django.request" for record in logs)  # Django's 4xx log line


def test_a_refused_token_is_401_the_same():
    headers = [JSON, ("accept", "application/graphql-response+json"), ("authorization", "Bearer x")]
    answer, _, _ = both_ways("POST", headers=headers, body=b'{"query": "{ __typename }"}')
    assert answer.status == 401
    assert answer.header("WWW-Authenticate") == 'Bearer error="invalid_token"'


def test_a_disallowed_host_is_django_400_the_same():
    headers = [JSON, ("host", "evil.example")]
    answer, logs, _ = both_ways("POST", headers=headers, body=b'{"query": "{ __typename }"}')
    assert answer.status == 400
    assert answer.header("X-Request-ID")  # the request id middleware is outside the check
    assert logs[0][:2] == ("django.security.DisallowedHost", "ERROR")


@pytest.mark.parametrize("origin", [APP, "https://evil.example"])
def test_cors_preflights_and_requests_are_answered_the_same(settings, origin):
    settings.CORS_ALLOWED_ORIGINS = [APP]
    preflight = [
        ("origin", origin),
        ("access-control-request-method", "POST"),
        ("access-control-request-headers", "authorization, content-type"),
    ]
    answer, _, _ = both_ways("OPTIONS", headers=preflight)
    assert answer.status == 200
    allowed = answer.header("Access-Control-Allow-Origin")
    assert allowed == (APP if origin == APP else None)
    answer, _, _ = both_ways(
        "POST", headers=[JSON, ("origin", origin)], body=b'{"query": "{ __typename }"}'
    )
    assert answer.header("Access-Control-Allow-Origin") == allowed


def test_a_plain_options_request_is_405_the_same():
    answer, _, _ = both_ways("OPTIONS")
    assert answer.status == 405


def test_an_oversized_body_is_413_the_same(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    body = json.dumps({"query": "{ __typename }" + " " * 200}).encode()
    answer, _, _ = both_ways("POST", headers=[JSON], body=body)
    assert answer.status == 413


def test_a_persisted_query_is_answered_the_same():
    query = f"query Persisted{uuid.uuid4().hex[:8]} {{ __typename }}"
    sha = hashlib.sha256(query.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": sha}}
    hash_only = json.dumps({"extensions": extensions}).encode()
    # Django's handler first: the hash is unknown to both (nothing registered it yet) …
    answer, _, _ = both_ways("POST", headers=[JSON], body=hash_only)
    assert json.loads(answer.body)["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    # … then registered by a request with the text; both find it by its hash afterwards.
    post(query, extensions=extensions)
    answer, _, _ = both_ways("POST", headers=[JSON], body=hash_only)
    assert json.loads(answer.body)["data"] == {"__typename": "Query"}


UPLOAD = "mutation ($file: Upload!) { uploadAvatar(file: $file) { errors { code field } } }"


def multipart(file_bytes: bytes) -> bytes:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return encode_multipart(
        BOUNDARY,
        {
            "operations": json.dumps({"query": UPLOAD, "variables": {"file": None}}),
            "map": json.dumps({"0": ["variables.file"]}),
            "0": SimpleUploadedFile("me.jpg", file_bytes, content_type="image/jpeg"),
        },
    )


def test_uploads_and_their_csrf_rule_are_answered_the_same():
    headers = [("content-type", MULTIPART_CONTENT)]
    # No Authorization header and no CSRF token: refused as a possible cross-site form post.
    answer, _, _ = both_ways("POST", headers=headers, body=multipart(b"not an image"))
    assert answer.status == 403
    # With the header: the file reaches the mutation, which refuses what is not an image.
    user = make_user()
    answer, _, _ = both_ways("POST", headers=[*headers, bearer(user)], body=multipart(b"text"))
    assert answer.status == 200
    assert json.loads(answer.body)["data"]["uploadAvatar"]["errors"]


def test_behind_a_proxy_https_and_the_client_address_are_read_the_same(settings):
    settings.BEHIND_PROXY = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 3600
    headers = [JSON, ("x-forwarded-proto", "https"), ("x-forwarded-for", "203.0.113.9")]
    answer, _, _ = both_ways("POST", headers=headers, body=b'{"query": "{ __typename }"}')
    assert answer.header("Strict-Transport-Security") == "max-age=3600"


def test_other_paths_are_left_to_django():
    answer, _, _ = both_ways("GET", "/healthz")
    assert answer.status == 200
    answer, _, _ = both_ways("POST", "/graphql/", headers=[JSON], body=b"{}")
    assert answer.status == 404


def test_the_setting_off_serves_graphql_through_django(settings, monkeypatch):
    from booknest import lean
    from booknest.asgi import application

    served = []
    original = lean.LeanGraphQL.handle

    async def spy(self, *args):
        served.append(True)
        return await original(self, *args)

    monkeypatch.setattr(lean.LeanGraphQL, "handle", spy)
    body = b'{"query": "{ __typename }"}'
    assert send(application, "POST", headers=[JSON], body=body)[0].status == 200
    assert served == [True]
    settings.GRAPHQL_LEAN_PATH = False
    assert send(application, "POST", headers=[JSON], body=body)[0].status == 200
    assert served == [True]  # Django's handler answered the second


def test_a_rate_limited_request_is_429_the_same(settings):
    settings.RATE_LIMIT_ANONYMOUS_POINTS = 1
    body = json.dumps({"query": "{ books(first: 5) { totalCount } }"}).encode()
    answer, _, counted = both_ways("POST", headers=[JSON], body=body)
    assert answer.status == 429
    assert int(answer.header("Retry-After")) > 0
    assert any("RATE_LIMITED" in str(key) for key in counted)


def test_an_operation_off_the_allow_list_is_refused_the_same(settings):
    settings.GRAPHQL_ALLOWLIST = True
    headers = [JSON, ("accept", "application/graphql-response+json")]
    answer, logs, _ = both_ways("POST", headers=headers, body=b'{"query": "{ __typename }"}')
    assert answer.status == 403
    assert logs[0][-3] == "refused"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("compiled", [False, True], ids=["resolver path", "compiled read"])
def test_a_connection_left_open_is_given_back_and_a_given_back_one_needs_nothing(
    settings, compiled
):
    """Served on a kept thread of its own (as under daphne, not a test's thread): a request that
    leaves its database connection open gets `request_finished`, whose receivers give it back to
    the pool; a compiled read gave its connection back with its answer and gets none."""
    if connection.vendor != "postgresql":
        # Compiled reads run on PostgreSQL only; and the embedded test database keeps each
        # kept thread's connection open from an earlier test, so no request opens one there.
        pytest.skip("PostgreSQL: compiled reads, and a connection each request opens")
    from booknest.asgi import application

    settings.GRAPHQL_COMPILED_READS = compiled
    book = make_book()
    body = json.dumps(
        {"query": "query($id: ID!) { book(id: $id) { title } }", "variables": {"id": gid(book)}}
    )
    finished = []

    def note(sender, **kwargs):
        finished.append(sender.__name__)

    request_finished.connect(note)
    try:
        answer = asyncio.run(
            asgi_request(application, "POST", "/graphql", headers=[JSON], body=body.encode())
        )
    finally:
        request_finished.disconnect(note)
    assert json.loads(answer.body)["data"] == {"book": {"title": book.title}}
    assert finished == ([] if compiled else ["LeanGraphQL"])
