"""The GraphQL multipart request specification, for file uploads (Apollo's upload link, curl -F).

https://github.com/jaydenseric/graphql-multipart-request-spec: a `multipart/form-data` POST
with an `operations` field (the usual JSON request object, files as null), a `map` field
(`{"0": ["variables.file"]}`) and one file part per map key. Each file is put where the map
says, so resolvers receive Django `UploadedFile`s as `Upload` values.

A form can post multipart cross-site without a CORS preflight, and browsers attach cookies to
it. The API never authenticates by cookie, but a multipart request is still accepted only when
it proves it was not sent by a foreign page: with an `Authorization` header (which needs a
preflight) or a valid Django CSRF token (`X-CSRFToken` header or `csrfmiddlewaretoken` field,
as for the admin's forms). Anything else is 403 before any upload is processed.
"""

import json

from django.core.exceptions import TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError
from django.http.request import RequestDataTooBig
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.http import parse_header_parameters

from schema.http import GraphQLParams, HTTPError, bad_request, params_from

MULTIPART = "multipart/form-data"


def is_multipart(request: HttpRequest) -> bool:
    media_type, _ = parse_header_parameters(request.headers.get("Content-Type") or "")
    return request.method == "POST" and media_type.lower() == MULTIPART


def check_not_cross_site(request: HttpRequest) -> None:
    """403 unless the request has an `Authorization` header or passes Django's CSRF check."""
    if request.headers.get("Authorization"):
        return
    # The middleware already ran process_request (read the CSRF cookie) for this request; the
    # view is csrf_exempt, so run the check here, with the same rules (token, origin, referer).
    refusal = CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {})
    if refusal is not None:
        raise HTTPError(
            403,
            "Multipart requests need an `Authorization` header or a valid CSRF token "
            "(`X-CSRFToken` header with the `csrftoken` cookie).",
            code="CSRF_FAILED",
        )


def _json_field(form, name: str):
    values = form.getlist(name)
    if len(values) != 1:
        raise bad_request(f"A multipart request needs exactly one `{name}` field.")
    try:
        return json.loads(values[0])
    except ValueError as exc:
        raise bad_request(f"The `{name}` field is not valid JSON: {exc}") from exc


def _place(operations: dict, path: str, file) -> None:
    """Put `file` at `path` (e.g. `variables.file`, `variables.files.0`) of the operation."""
    keys = path.split(".")
    if len(keys) < 2 or keys[0] != "variables":
        raise bad_request(f"Map path `{path}` must point into `variables`.")
    target = operations
    try:
        for key in keys[:-1]:
            target = target[int(key)] if isinstance(target, list) else target[key]
        last = keys[-1]
        if isinstance(target, list):
            target[int(last)] = file
        elif isinstance(target, dict):
            target[last] = file
        else:
            raise TypeError(path)
    except (KeyError, IndexError, ValueError, TypeError) as exc:
        raise bad_request(f"Map path `{path}` does not exist in the operation.") from exc


def read_multipart_params(request: HttpRequest) -> GraphQLParams:
    """The GraphQL parameters of a multipart request, files in place; 4xx when malformed."""
    try:
        check_not_cross_site(request)  # may read the form, for a `csrfmiddlewaretoken` field
        form, files = request.POST, request.FILES
    except RequestDataTooBig as exc:
        raise HTTPError(413, "The request body is too large.", code="CONTENT_TOO_LARGE") from exc
    except (MultiPartParserError, TooManyFieldsSent, TooManyFilesSent) as exc:
        raise bad_request(f"The multipart body cannot be read: {exc}") from exc
    operations = _json_field(form, "operations")
    if not isinstance(operations, dict):
        raise bad_request("`operations` must be a JSON object (batching is not supported).")
    file_map = _json_field(form, "map")
    if not isinstance(file_map, dict):
        raise bad_request("`map` must be a JSON object of file field names to paths.")
    for name, paths in file_map.items():
        if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
            raise bad_request(f"`map[{name!r}]` must be a list of paths.")
        file = files.get(name)
        if file is None:
            raise bad_request(f"The map names a file part `{name}` that was not sent.")
        if not isinstance(operations.get("variables"), dict):
            raise bad_request("`operations.variables` must be an object when files are mapped.")
        for path in paths:
            _place(operations, path, file)
    return params_from(operations)
