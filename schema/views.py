"""GraphQL over HTTP through Django's async view, so Django middleware runs for every request.

The view follows the GraphQL-over-HTTP specification (draft), audited by `graphql-http`:
- `Accept` negotiation between `application/graphql-response+json` and `application/json`
  (no Accept header: `application/json`); neither acceptable → 406. See `schema.http.negotiate`.
- GET (queries only: a mutation → 405) and POST with `Content-Type: application/json` (UTF-8;
  anything else → 415). Other methods → 405 with `Allow: GET, POST`.
- A request that is not well-formed GraphQL-over-HTTP (bad JSON, not an object, missing or
  non-string `query`, `variables`/`extensions` not objects, `operationName` not a string) → 400.
- GraphQL request errors (the document does not parse or validate, the operation cannot be
  chosen, variables do not coerce): the response has `errors` and no `data`; 400 with
  `application/graphql-response+json`, 200 with `application/json` (the legacy type, whose
  clients cannot trust a non-200 body). Field errors during execution → 200 with both.
- A refused `Authorization` header → 401 (with `WWW-Authenticate`) under
  `application/graphql-response+json`, 200 under `application/json`; an operation a personal
  access token's scopes do not allow → 403 with `WWW-Authenticate: Bearer
  error="insufficient_scope"` (and the scope needed), likewise.
"""

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt
from strawberry.django.views import AsyncGraphQLView, TemporalHttpResponse
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from apps.core.errors import ErrorCode
from booknest.request_id import client_ip
from schema import schema
from schema.auth import token_from_headers, viewer_for_request
from schema.compiled.run import JsonText
from schema.context import Context
from schema.http import (
    GRAPHQL_RESPONSE_JSON,
    JSON,
    GraphQLParams,
    HTTPError,
    RequestRefused,
    bad_request,
    method_not_allowed,
    negotiate,
    read_params,
)
from schema.limits.batch import serve_batch
from schema.masking import (
    BAD_REQUEST,
    OPERATION_RESOLUTION_FAILURE,
    ambiguous_operation,
    refused_request_code,
)
from schema.media.multipart import is_multipart, read_multipart_params
from schema.observability import record_refused_request
from schema.persisted import apply_persisted_query

# Status of a GraphQL request error under application/graphql-response+json, by error code.
REQUEST_ERROR_STATUS = {
    ErrorCode.UNAUTHENTICATED.value: 401,
    "RATE_LIMITED": 429,
    "SERVICE_UNAVAILABLE": 503,
    "OPERATION_NOT_ALLOWED": 403,  # the allow-list (schema/persisted/)
    "FORBIDDEN": 403,  # a personal access token's scopes (schema/token_scopes.py)
}
# Statuses every client must see, whatever the media type (a legacy `application/json` client
# gets 200 for GraphQL errors it could not otherwise trust).
ALWAYS_SHOWN = {429, 503}
ALLOWED_OPERATIONS = {
    "GET": {OperationType.QUERY},
    # Subscriptions are served over WebSocket at the same path, not over plain HTTP.
    "POST": {OperationType.QUERY, OperationType.MUTATION},
}


def is_request_error(result: ExecutionResult) -> bool:
    """True when GraphQL refused the request before executing it (no `data` to give).

    Field errors always carry a `path`; errors raised before execution (parsing, validation,
    variable coercion, a refused token) never do, and leave no data.
    """
    return (
        result.data is None and bool(result.errors) and all(e.path is None for e in result.errors)
    )


def insufficient_scope(errors) -> str:
    """The `WWW-Authenticate` value of a refusal by schema/token_scopes.py."""
    scopes = {(e.extensions or {}).get("requiredScope") for e in errors} - {None}
    scope = f', scope="{min(scopes).lower()}"' if scopes else ""
    return f'Bearer error="insufficient_scope"{scope}'


class GraphQLView(AsyncGraphQLView):
    async def get_context(self, request, response) -> Context:
        user, error, pending = await viewer_for_request(token_from_headers(request.headers))
        return Context(
            request=request,
            response=response,
            user=user,
            auth_error=error,
            pending_token=pending,
            request_id=getattr(request, "request_id", None),
            client_ip=client_ip(request),
            data_as_json_text=True,
        )

    def encode_json(self, data: object) -> str | bytes:
        """The body; a compiled read's `data` is PostgreSQL's JSON text, written as it is."""
        if isinstance(data, dict) and isinstance(data.get("data"), JsonText):
            rest = super().encode_json({k: v for k, v in data.items() if k != "data"})
            return '{"data":' + data["data"].text + ("," + rest[1:] if rest != "{}" else "}")
        return super().encode_json(data)

    async def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        media_type = negotiate(request.headers.get("Accept"))
        params: GraphQLParams | list | None = None
        try:
            if request.method not in ALLOWED_OPERATIONS:
                raise method_not_allowed("GraphQL is served over GET and POST only.")
            # Without GraphiQL, a browser's GET falls through to a plain 400 (no query).
            if self.graphql_ide and self.should_render_graphql_ide(
                self.request_adapter_class(request)
            ):
                return await self.render_graphql_ide(request)
            if media_type is None:
                raise HTTPError(
                    406,
                    f"Accept `{GRAPHQL_RESPONSE_JSON}` or `{JSON}`.",
                    code="NOT_ACCEPTABLE",
                )
            if is_multipart(request):  # file uploads (schema/media/multipart.py)
                params = await sync_to_async(read_multipart_params)(request)
            else:
                params = read_params(request)
            if isinstance(params, list):  # a batch (schema/limits/batch.py)
                response = await serve_batch(self, request, params, media_type)
                patch_vary_headers(response, ("Accept", "Authorization"))
                return response
            params = await apply_persisted_query(params, request)
            if params.query is None:
                raise bad_request("The `query` parameter is required.")
            response = await self.serve(request, params, media_type)
        except HTTPError as error:
            response = self.error_response(error, media_type or JSON)
        except RequestRefused as refused:
            # Refused before the schema ran (persisted queries, the allow-list): logged and
            # counted like the schema's own refusals.
            name = params.operation_name if isinstance(params, GraphQLParams) else None
            record_refused_request(request, refused.code, refused.message, name)
            response = self.refused_response(refused, media_type or JSON)
        # The body depends on the negotiated type and on who is asking: caches must know.
        patch_vary_headers(response, ("Accept", "Authorization"))
        return response

    async def serve(
        self, request: HttpRequest, params: GraphQLParams, media_type: str
    ) -> HttpResponse:
        if (ambiguous := ambiguous_operation(params.query, params.operation_name)) is not None:
            return self.request_error_response(
                ambiguous.message, media_type, OPERATION_RESOLUTION_FAILURE
            )
        sub_response = await self.get_sub_response(request)
        context = await self.get_context(request, response=sub_response)
        try:
            result = await self.schema.execute(
                params.query,
                variable_values=params.variables,
                context_value=context,
                root_value=await self.get_root_value(request),
                operation_name=params.operation_name,
                allowed_operation_types=ALLOWED_OPERATIONS[request.method],
                operation_extensions=params.extensions,
            )
        except InvalidOperationTypeError as exc:
            if exc.operation_type == OperationType.MUTATION:
                raise method_not_allowed("Mutations must be sent with POST.") from exc
            return self.request_error_response(
                "Subscriptions are served over WebSocket (graphql-transport-ws) at this URL.",
                media_type,
                refused_request_code(exc),
            )
        except CannotGetOperationTypeError as exc:
            return self.request_error_response(
                exc.as_http_error_reason(), media_type, refused_request_code(exc)
            )
        except MissingQueryError as exc:
            return self.request_error_response(
                "The query document is empty.", media_type, refused_request_code(exc)
            )

        data = await self.process_result(request=request, result=result)
        if result.errors:
            self._handle_errors(result.errors, data)
        status = 200
        headers: dict[str, str] = {}
        codes = {(e.extensions or {}).get("code") for e in result.errors or ()}
        if is_request_error(result):
            # A request error leaves no data (GraphQL spec, "Response Format").
            data.pop("data", None)
            status = min((REQUEST_ERROR_STATUS.get(code, 400) for code in codes), default=400)
            if media_type != GRAPHQL_RESPONSE_JSON and status not in ALWAYS_SHOWN:
                status = 200
            if status == 401:
                headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
            if status == 403 and "FORBIDDEN" in codes:
                # RFC 6750: the token lacks what the request needs (a scope, or any token).
                headers["WWW-Authenticate"] = insufficient_scope(result.errors)
        elif "SERVICE_UNAVAILABLE" in codes:
            status = 503  # a dependency (the database) failed during execution
        response = self.json_response(data, media_type, status, headers)
        return self.merge_sub_response(response, sub_response)

    def refused_response(self, refused: RequestRefused, media_type: str) -> HttpResponse:
        status = refused.status
        if media_type != GRAPHQL_RESPONSE_JSON and status not in ALWAYS_SHOWN:
            status = 200
        body = {"errors": [refused.as_error()]}
        return self.json_response(body, media_type, status, refused.headers)

    def request_error_response(
        self, message: str, media_type: str, code: str | None = BAD_REQUEST
    ) -> HttpResponse:
        """A request error Strawberry raised instead of answering (codes: schema/masking.py)."""
        status = 400 if media_type == GRAPHQL_RESPONSE_JSON else 200
        error = {"message": message, "extensions": {"code": code or BAD_REQUEST}}
        return self.json_response({"errors": [error]}, media_type, status)

    def error_response(self, error: HTTPError, media_type: str) -> HttpResponse:
        body = {"errors": [{"message": error.message, "extensions": {"code": error.code}}]}
        return self.json_response(body, media_type, error.status, error.headers)

    def json_response(
        self, body: object, media_type: str, status: int, headers: dict[str, str] | None = None
    ) -> HttpResponse:
        return HttpResponse(
            self.encode_json(body),
            status=status,
            content_type=f"{media_type}; charset=utf-8",
            headers=headers,
        )

    @staticmethod
    def merge_sub_response(response: HttpResponse, sub_response: TemporalHttpResponse):
        """Headers, cookies and status a resolver set on `info.context.response`."""
        for name, value in sub_response.items():
            if name.lower() not in ("content-type", "content-length"):
                response[name] = value
        for name, value in sub_response.cookies.items():
            response.cookies[name] = value
        if sub_response.status_code:
            response.status_code = sub_response.status_code
        return response


# CSRF-exempt because the API authenticates by header only (see schema/auth.py): a cookie
# never makes a request act as someone, so a cross-site request can do nothing a stranger can't.
# Besides, POST accepts only `application/json`, which a cross-site form cannot send without a
# CORS preflight, and GET never runs a mutation. The exception, multipart (file uploads), is
# checked explicitly: an `Authorization` header or a valid CSRF token (schema/media/multipart.py).
graphql_view = csrf_exempt(
    GraphQLView.as_view(
        schema=schema,
        # GraphiQL needs introspection: without it, the page is off too.
        graphql_ide=(
            "graphiql" if settings.GRAPHIQL_ENABLED and settings.GRAPHQL_INTROSPECTION else None
        ),
        multipart_uploads_enabled=True,
    )
)
