"""`Accept` negotiation between `application/graphql-response+json` and `application/json`.

RFC 9110 §12.5.1 quality values, with the spec's defaults: no header → `application/json`; only
wildcards → `application/json`; both types named with the same quality → the modern one.
"""

import pytest

from schema.http import negotiate

GQL = "application/graphql-response+json"
JSON = "application/json"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON),  # legacy clients, and the graphql-http audit (80D8)
        ("", JSON),
        ("*/*", JSON),  # 47DE
        ("application/*", JSON),
        (JSON, JSON),
        (GQL, GQL),
        (f"{GQL}, {JSON};q=0.9", GQL),  # what the spec recommends clients send
        (f"{JSON}, {GQL}", GQL),  # both named, same quality: the modern type
        (f"{GQL};q=0.5, {JSON}", JSON),
        (f"{JSON};q=0, */*", GQL),
        (f"{GQL}; charset=utf-8, {JSON}; charset=utf-8", GQL),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", JSON),  # a browser
        (f"{JSON}, multipart/mixed", JSON),  # GraphiQL's fetcher
        ("text/html", None),
        ("text/event-stream", None),
        (f"{JSON};q=0", None),
        (f"{GQL}; charset=latin1", None),
        ("nonsense", None),
    ],
)
def test_negotiate(accept, expected):
    assert negotiate(accept) == expected
