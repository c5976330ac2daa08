"""Persisted queries: Apollo's automatic persisted queries (APQ), and the allow-list mode.

APQ, as Apollo Client's persisted-query link and Apollo Server speak it
(https://www.apollographql.com/docs/apollo-server/performance/apq):

1. The client sends only `extensions: {persistedQuery: {version: 1, sha256Hash}}` (GET or POST).
2. Unknown hash → `{"errors": [{"message": "PersistedQueryNotFound", "extensions": {"code":
   "PERSISTED_QUERY_NOT_FOUND"}}]}`, status 200 and `Cache-Control: private, no-cache,
   must-revalidate` (Apollo Server's status, so a CDN never caches the miss for a GET).
3. The link resends the same request with the full `query`: the server checks that the query's
   SHA-256 is the hash (else PERSISTED_QUERY_HASH_MISMATCH), stores it in the Django cache
   (`apq:<hash>`, `APQ_CACHE_TTL` seconds; only a query that parses and validates), and runs it.
4. Later requests send the hash only and are served from the cache.

`APQ_ENABLED=false` answers PersistedQueryNotSupported (PERSISTED_QUERY_NOT_SUPPORTED): the link
then stops hashing and sends full queries. With Redis down, the cache misses and skips writes
(django-redis `IGNORE_EXCEPTIONS`): every hash-only request is NOT_FOUND and the client resends
the query, which still runs.

Operations registered with `manage.py register_operations` (apps/operations) are served by hash
too, before the APQ cache. In allow-list mode (`GRAPHQL_ALLOWLIST=true`) only they run: by hash
alone, or by a full text whose SHA-256 is registered; anything else is refused before it is
parsed with OPERATION_NOT_ALLOWED, and APQ registers nothing (its cache is not read either).
`PersistedOperations` applies the same rule to every operation that reaches the schema, so
WebSocket operations (queries, mutations, subscriptions) are held to it too. Introspection is
an operation like any other: in allow-list mode it runs only if registered.
"""

import re
from dataclasses import replace

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from graphql import GraphQLError, parse, validate
from strawberry.extensions import SchemaExtension

from apps.operations.registry import is_registered, registered_body, sha256_of
from booknest.internals.strawberry import graphql_schema
from schema.http import GraphQLParams, RequestRefused, bad_request

VERSION = 1
SHA256_HEX = re.compile(r"[0-9a-fA-F]{64}")
# Apollo Server's headers for a persisted-query miss: never cached, by a browser or a CDN.
NO_CACHE = {"Cache-Control": "private, no-cache, must-revalidate"}
NOT_ALLOWED_MESSAGE = (
    "This server only runs registered operations, and this is not one of them "
    "(see `manage.py register_operations`)."
)


def cache_key(sha256: str) -> str:
    """The Django cache key of an automatically persisted query."""
    return f"apq:{sha256}"


def not_found() -> RequestRefused:
    """Apollo's answer to a hash it does not know: the client resends with the query."""
    return RequestRefused(
        "PersistedQueryNotFound", code="PERSISTED_QUERY_NOT_FOUND", status=200, headers=NO_CACHE
    )


def not_supported() -> RequestRefused:
    """Apollo's answer when APQ is off: the client stops hashing and sends full queries."""
    return RequestRefused(
        "PersistedQueryNotSupported",
        code="PERSISTED_QUERY_NOT_SUPPORTED",
        status=200,
        headers=NO_CACHE,
    )


def not_allowed() -> RequestRefused:
    """The allow-list's refusal of an operation that is not registered."""
    return RequestRefused(NOT_ALLOWED_MESSAGE, code="OPERATION_NOT_ALLOWED", status=403)


def _persisted_hash(persisted: object) -> str:
    """The (lower-case) hash of a well-formed `extensions.persistedQuery`, or a refusal."""
    if not isinstance(persisted, dict):
        raise bad_request("`extensions.persistedQuery` must be an object.")
    if not settings.APQ_ENABLED and not settings.GRAPHQL_ALLOWLIST:
        raise not_supported()
    version = persisted.get("version")
    if version != VERSION:
        raise RequestRefused(
            f"Unsupported persisted query version {version!r}: this server speaks version "
            f"{VERSION}.",
            code="PERSISTED_QUERY_VERSION_NOT_SUPPORTED",
        )
    sha256 = persisted.get("sha256Hash")
    if not isinstance(sha256, str) or not SHA256_HEX.fullmatch(sha256):
        raise bad_request(
            "`extensions.persistedQuery.sha256Hash` must be a SHA-256 in hex (64 characters)."
        )
    return sha256.lower()


def _worth_storing(query: str) -> bool:
    """Whether a query parses (within the token limit) and validates: only those are stored,
    as Apollo Server does, so the cache holds nothing a client could not run."""
    from schema import schema  # schema/__init__.py imports this module

    try:
        document = parse(query, max_tokens=settings.GRAPHQL_MAX_TOKENS)
    except GraphQLError:
        return False
    return not validate(graphql_schema(schema), document)


async def apply_persisted_query(params: GraphQLParams, request: HttpRequest) -> GraphQLParams:
    """The parameters with `query` filled in from the persisted-query store when the request
    sends only `extensions.persistedQuery.sha256Hash`; raises `schema.http.RequestRefused`
    (e.g. PersistedQueryNotFound) when it cannot be, or when the allow-list refuses it."""
    allowlist = settings.GRAPHQL_ALLOWLIST
    extensions = params.extensions or {}
    if "persistedQuery" not in extensions:
        if allowlist and (params.query is None or not await is_registered(params.query)):
            raise not_allowed()
        return params

    sha256 = _persisted_hash(extensions["persistedQuery"])
    if params.query is None:
        query = await registered_body(sha256)
        if query is None and allowlist:
            raise not_allowed()
        if query is None:
            query = await cache.aget(cache_key(sha256))
        if not isinstance(query, str):
            raise not_found()
        return replace(params, query=query)

    if sha256_of(params.query) != sha256:
        raise RequestRefused(
            "provided sha does not match query", code="PERSISTED_QUERY_HASH_MISMATCH"
        )
    if allowlist:
        if not await is_registered(params.query):
            raise not_allowed()
    elif await registered_body(sha256) is None and _worth_storing(params.query):
        await cache.aset(cache_key(sha256), params.query, timeout=settings.APQ_CACHE_TTL)
    return params


class PersistedOperations(SchemaExtension):
    """In allow-list mode (`GRAPHQL_ALLOWLIST`), refuses any operation not registered with
    `manage.py register_operations` (HTTP and WebSocket alike).

    The HTTP view has refused such requests already (`apply_persisted_query`); WebSocket
    operations (graphql-transport-ws and graphql-ws: queries, mutations and subscriptions)
    meet their refusal here, after parsing and before validation, so a refused operation
    learns nothing about the schema from validation messages.
    """

    _allowed: bool | None = None  # this operation's verdict, once known

    async def _is_allowed(self) -> bool:
        if self._allowed is None:
            query = self.execution_context.query
            self._allowed = query is not None and await is_registered(query)
        return self._allowed

    async def on_validate(self):
        if settings.GRAPHQL_ALLOWLIST and not await self._is_allowed():
            # Errors set before validation replace it (strawberry skips validation then).
            self.execution_context.pre_execution_errors = [_not_allowed_error()]
        yield

    async def on_execute(self):
        # The same rule again, in case another extension cleared the errors above.
        if settings.GRAPHQL_ALLOWLIST and not await self._is_allowed():
            raise _not_allowed_error()
        yield


def _not_allowed_error() -> GraphQLError:
    return GraphQLError(NOT_ALLOWED_MESSAGE, extensions={"code": "OPERATION_NOT_ALLOWED"})
