"""The HTTP side of GraphQL over HTTP: content negotiation and reading a request's parameters.

Follows https://graphql.github.io/graphql-over-http/draft/ and is checked by the `graphql-http`
conformance audit (tests/e2e/test_http_audit.py). Pure functions and one exception, so the view
(schema/views.py) only wires them together and each rule has a unit test.
"""

import json
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.http.request import RequestDataTooBig
from django.utils.http import parse_header_parameters

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
# Listed in the order a tie goes: a client that only says `*/*` (or sends no Accept at all)
# is most likely a legacy one that expects `application/json`.
RESPONSE_MEDIA_TYPES = (JSON, GRAPHQL_RESPONSE_JSON)
UTF8 = {"utf-8", "utf8"}
ALLOWED_METHODS = "GET, POST"


class HTTPError(Exception):
    """A request the server refuses before GraphQL sees it, with its status and headers."""

    def __init__(
        self, status: int, message: str, *, code: str, headers: dict[str, str] | None = None
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.headers = headers or {}


class RequestRefused(Exception):
    """A GraphQL request refused before execution (a limit, a persisted query not found, the
    allow-list, the rate limit): answered as a GraphQL response with `errors` and no `data`.

    `status` is the status under `application/graphql-response+json`; under legacy
    `application/json` it is 200, except for 429 and 5xx, which every client must see.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str,
        status: int = 400,
        headers: dict[str, str] | None = None,
        extensions: dict[str, Any] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.headers = headers or {}
        self.extensions = extensions or {}

    def as_error(self) -> dict[str, Any]:
        return {"message": self.message, "extensions": {"code": self.code, **self.extensions}}


def bad_request(message: str) -> HTTPError:
    return HTTPError(400, message, code="BAD_REQUEST")


def method_not_allowed(message: str) -> HTTPError:
    return HTTPError(405, message, code="METHOD_NOT_ALLOWED", headers={"Allow": ALLOWED_METHODS})


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    charset: str | None

    def specificity(self, media_type: str) -> int:
        """How precisely this range names `media_type`: 2 exactly, 1 `type/*`, 0 `*/*`, -1 not."""
        if self.charset is not None and self.charset not in UTF8:
            return -1  # every response is UTF-8; a range asking for another charset never fits
        type_, subtype = media_type.split("/")
        if (self.type, self.subtype) == (type_, subtype):
            return 2
        if self.type == type_ and self.subtype == "*":
            return 1
        if (self.type, self.subtype) == ("*", "*"):
            return 0
        return -1


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an `Accept` header (RFC 9110 §12.5.1); malformed ranges are skipped."""
    ranges = []
    for part in header.split(","):
        media_type, params = parse_header_parameters(part.strip())
        type_, _, subtype = media_type.lower().partition("/")
        if not type_ or not subtype:
            continue
        try:
            q = float(params.get("q", "1"))
        except ValueError:
            continue
        if not 0 <= q <= 1:
            continue
        charset = params.get("charset")
        ranges.append(MediaRange(type_, subtype, q, charset.lower() if charset else None))
    return ranges


def negotiate(accept: str | None) -> str | None:
    """The response media type for an `Accept` header, or None when neither is acceptable.

    No header (or an empty one) means `application/json`: the spec's pre-watershed default, what
    legacy clients expect, and what the `graphql-http` audit checks (80D8). Otherwise each media
    type gets the quality of the most specific range that names it; the higher quality wins, then
    the more specific mention, then `application/graphql-response+json` if the client named both
    types explicitly with the same quality; a pure wildcard tie goes to `application/json` (47DE).
    """
    if accept is None or not accept.strip():
        return JSON
    ranges = parse_accept(accept)
    best: tuple[tuple[float, int, bool], str] | None = None
    for media_type in RESPONSE_MEDIA_TYPES:
        matches = [(r.specificity(media_type), r.q) for r in ranges]
        matches = [match for match in matches if match[0] >= 0]
        if not matches:
            continue
        specificity, q = max(matches)  # the most specific range decides (RFC 9110 §12.5.1)
        if q <= 0:
            continue
        key = (q, specificity, specificity == 2 and media_type == GRAPHQL_RESPONSE_JSON)
        if best is None or key > best[0]:
            best = (key, media_type)
    return best[1] if best else None


@dataclass(frozen=True)
class GraphQLParams:
    """The parameters of a well-formed GraphQL-over-HTTP request."""

    query: str | None  # None only with `extensions.persistedQuery` (schema/persisted/)
    operation_name: str | None
    variables: dict[str, Any] | None
    extensions: dict[str, Any] | None


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _loads(text: str, what: str) -> Any:
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:  # JSONDecodeError is a ValueError, so is NaN/Infinity above
        raise bad_request(f"{what} is not valid JSON: {exc}") from exc
    except RecursionError as exc:  # `[[[[…` nested deeper than the parser's stack
        raise bad_request(f"{what} is nested too deeply.") from exc


def _get_params(request: HttpRequest) -> dict[str, Any]:
    """GET parameters (URL query, form-encoded); `variables`/`extensions` are JSON strings."""
    data: dict[str, Any] = {}
    for name in ("query", "operationName", "variables", "extensions"):
        values = request.GET.getlist(name)
        if len(values) > 1:
            raise bad_request(f"The `{name}` parameter is given more than once.")
        if values:
            data[name] = values[0]
    for name in ("variables", "extensions"):
        if data.get(name):
            data[name] = _loads(data[name], f"The `{name}` parameter")
        else:
            data.pop(name, None)  # an empty value means "not given"
    return data


def _post_params(request: HttpRequest) -> dict[str, Any] | list[Any]:
    """POST parameters: a JSON object in an `application/json` UTF-8 body; an array of them is
    a batch."""
    content_type = request.headers.get("Content-Type")
    if not content_type:
        raise HTTPError(
            415,
            "A POST request needs `Content-Type: application/json`.",
            code="UNSUPPORTED_MEDIA_TYPE",
        )
    media_type, params = parse_header_parameters(content_type)
    charset = params.get("charset", "utf-8").lower()
    if media_type.lower() != JSON or charset not in UTF8:
        raise HTTPError(
            415,
            f"Unsupported Content-Type `{content_type}`: send `application/json` (UTF-8).",
            code="UNSUPPORTED_MEDIA_TYPE",
        )
    try:
        body = request.body
    except RequestDataTooBig as exc:
        raise HTTPError(413, "The request body is too large.", code="CONTENT_TOO_LARGE") from exc
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise bad_request("The request body is not valid UTF-8.") from exc
    data = _loads(text, "The request body")
    # An array is a batch of operations (schema/limits/batch.py checks its items).
    if not isinstance(data, (dict, list)):
        raise bad_request("The request body must be a JSON object, or an array of them (a batch).")
    return data


def read_params(request: HttpRequest) -> GraphQLParams | list[Any]:
    """The GraphQL parameters of a GET or POST request, or a 4xx `HTTPError` saying what is wrong.

    Wrong types are refused (a request with them is not well-formed): `query` must be a string,
    `operationName` a string, `variables` and `extensions` objects; null means absent. A POST
    body that is a JSON array is a batch: its items are returned as they are, for
    schema/limits/batch.py to read one by one.
    """
    data = _get_params(request) if request.method == "GET" else _post_params(request)
    return data if isinstance(data, list) else params_from(data)


def params_from(data: dict[str, Any]) -> GraphQLParams:
    """The parameters in a decoded request object (JSON body, query string or multipart)."""
    query = data.get("query")
    extensions = data.get("extensions")
    persisted = isinstance(extensions, dict) and "persistedQuery" in extensions
    if query is None and not persisted:
        raise bad_request("The `query` parameter is required.")
    if query is not None and not isinstance(query, str):
        raise bad_request("The `query` parameter must be a string.")
    operation_name = data.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise bad_request("The `operationName` parameter must be a string or null.")
    for name in ("variables", "extensions"):
        if data.get(name) is not None and not isinstance(data[name], dict):
            raise bad_request(f"The `{name}` parameter must be an object or null.")
    return GraphQLParams(
        query=query,
        operation_name=operation_name or None,  # "" is the same as absent (spec, GET)
        variables=data.get("variables"),
        extensions=data.get("extensions"),
    )
