"""CORS (django-cors-headers, `CORS_ALLOWED_ORIGINS`) and security headers on /graphql."""

import pytest

pytestmark = pytest.mark.django_db

APP = "https://app.example"
QUERY = {"query": "{ __typename }"}


@pytest.fixture
def cors(settings):
    settings.CORS_ALLOWED_ORIGINS = [APP]


def preflight(client, origin: str):
    return client.options(
        "/graphql",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type, x-request-id",
        },
    )


def test_a_preflight_from_an_allowed_origin_is_answered(client, cors):
    response = preflight(client, APP)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == APP
    assert "POST" in response["Access-Control-Allow-Methods"]
    allowed = {h.strip() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", "x-request-id"} <= allowed
    assert response["Access-Control-Max-Age"] == "3600"
    assert "Access-Control-Allow-Credentials" not in response  # tokens travel in a header


def test_a_post_from_an_allowed_origin_may_read_the_request_id_and_rate_limit(client, cors):
    response = client.post(
        "/graphql", QUERY, content_type="application/json", headers={"Origin": APP}
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == APP
    exposed = {h.strip().lower() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert {"x-request-id", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"} <= exposed
    assert "origin" in response["Vary"].lower()


@pytest.mark.parametrize("origin", ["https://evil.example", "http://app.example", "null"])
def test_other_origins_get_no_cors_headers(client, cors, origin):
    for response in (
        preflight(client, origin),
        client.post("/graphql", QUERY, content_type="application/json", headers={"Origin": origin}),
    ):
        assert not [h for h in response.headers if h.lower().startswith("access-control-")]


def test_no_origin_is_allowed_by_default(client):
    response = preflight(client, APP)
    assert "Access-Control-Allow-Origin" not in response


def test_graphql_responses_carry_the_security_headers(client):
    for response in (
        client.post("/graphql", QUERY, content_type="application/json"),
        client.post("/graphql", {"query": "{"}, content_type="application/json"),  # an error
        client.get("/graphql?query={__typename}"),
    ):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in response  # DJANGO_HSTS_SECONDS is 0
        assert response["X-Request-ID"]


def test_hsts_is_sent_over_https_when_configured(client, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    secure = client.post("/graphql", QUERY, content_type="application/json", secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000"
    plain = client.post("/graphql", QUERY, content_type="application/json")
    assert "Strict-Transport-Security" not in plain  # never over plain HTTP (RFC 6797 §7.2)
