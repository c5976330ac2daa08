"""Operation limits, checked before execution: depth, aliases, tokens, page sizes and cost.

Every limit comes from settings (`GRAPHQL_MAX_*`, read per operation), refuses the operation
with a top-level error naming the limit and its setting (`extensions.code`, plus `maximum` and
`actual`), and applies to HTTP and WebSocket alike (this is a schema extension):

- tokens (GRAPHQL_MAX_TOKENS, TOO_MANY_TOKENS): graphql-core's parser stops counting there;
- depth (GRAPHQL_MAX_DEPTH, QUERY_TOO_DEEP) and aliases (GRAPHQL_MAX_ALIASES, TOO_MANY_ALIASES):
  measured on the parsed document before it is validated (schema/limits/rules.py);
- page sizes (GRAPHQL_MAX_PAGE_SIZE, PAGE_SIZE_TOO_LARGE): `first`, `last` and `limit`, given as
  literals or variables;
- cost (GRAPHQL_MAX_COST, QUERY_TOO_COSTLY): schema/limits/costs.py, on the validated document
  with the operation's variables.

A refused operation is a GraphQL request error (no `data`; 400 under
`application/graphql-response+json`): no resolver runs. The cost is set on `context.cost` during
validation, before any `on_execute` hook (the RateLimit extension spends it), and every result
whose cost was computed carries `extensions.cost`: `{requested, maximum, remaining}` (remaining:
the viewer's rate-limit budget, `context.rate_limit.remaining`, or null).
"""

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterator
from typing import Any

from django.conf import settings
from graphql import DocumentNode, GraphQLError, GraphQLSyntaxError, OperationDefinitionNode
from graphql.execution.values import get_variable_values
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from booknest.internals.strawberry import graphql_schema as graphql_schema_of
from schema.limits.costs import operation_cost
from schema.limits.rules import fragments_of, measure

QUERY_TOO_DEEP = "QUERY_TOO_DEEP"
TOO_MANY_ALIASES = "TOO_MANY_ALIASES"
TOO_MANY_TOKENS = "TOO_MANY_TOKENS"
PAGE_SIZE_TOO_LARGE = "PAGE_SIZE_TOO_LARGE"
QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"
BATCH_TOO_LARGE = "BATCH_TOO_LARGE"

# graphql-core's message when `max_tokens` stops the parser.
_OVER_TOKEN_LIMIT = re.compile(r"Document contains more than \d+ tokens\. Parsing aborted\.$")


def limit_error(
    message: str, code: str, setting: str, maximum: int, actual: int | None, nodes=None
) -> GraphQLError:
    """A top-level error for an operation over a limit: code, setting, maximum and actual."""
    extensions: dict[str, Any] = {"code": code, "limit": setting, "maximum": maximum}
    if actual is not None:
        extensions["actual"] = actual
    return GraphQLError(message, nodes=nodes, extensions=extensions)


def too_many_tokens_error(error: GraphQLSyntaxError, maximum: int) -> GraphQLError:
    return GraphQLError(
        f"Query document exceeds the maximum of {maximum} tokens (GRAPHQL_MAX_TOKENS).",
        source=error.source,
        positions=error.positions,
        extensions={"code": TOO_MANY_TOKENS, "limit": "GRAPHQL_MAX_TOKENS", "maximum": maximum},
    )


class BoundedCache:
    """A small LRU map shared by every request of the process (thread-safe)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[Hashable, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


# Clients send the same few documents over and over: parse and validate each text once. Parsed
# documents are not changed by execution; a document that validated once validates again against
# the same rules (the schema does not change while the process runs). Bounded, so that unique
# texts cannot grow memory.
PARSED = BoundedCache(512)
VALIDATED = BoundedCache(512)
# A cost analysis depends on the text, the operation and the variables only: clients repeat
# those too (a book page, with one book id after another). Large variables are not kept.
ANALYSED = BoundedCache(1024)
# Depth and alias counts, per text and operation.
SHAPES = BoundedCache(512)
_MAX_ANALYSED_VARIABLES = 2048


class OperationLimits(SchemaExtension):
    """Refuses an operation over a limit; computes its cost (`context.cost`) and reports it in
    `extensions.cost` ({requested, maximum, remaining})."""

    requested: int | None = None
    maximum: int | None = None

    def on_parse(self) -> Iterator[None]:
        maximum = settings.GRAPHQL_MAX_TOKENS
        self.execution_context.parse_options["max_tokens"] = maximum
        query = self.execution_context.query
        key = (query, maximum)
        cached = PARSED.get(key) if query else None
        if cached is not None:
            self.execution_context.graphql_document = cached  # Strawberry then skips parsing
        yield
        document = self.execution_context.graphql_document
        if cached is None and document is not None and query:
            PARSED.put(key, document)
        errors = self.execution_context.pre_execution_errors or []
        for error in errors:
            if isinstance(error, GraphQLSyntaxError) and _OVER_TOKEN_LIMIT.search(error.message):
                # Strawberry returns this very error object: rewrite it in place.
                replacement = too_many_tokens_error(error, maximum)
                error.message = replacement.message
                error.extensions = replacement.extensions

    def on_validate(self) -> Iterator[None]:
        execution_context = self.execution_context
        document = execution_context.graphql_document
        operation = (
            get_operation_ast(document, execution_context.operation_name) if document else None
        )
        if operation is not None and execution_context.pre_execution_errors is None:
            # Strawberry skips its own validation once errors are set (even none): `_check`
            # validates the document itself, between the shape limits and the cost.
            execution_context.pre_execution_errors = self._check(operation)
        yield

    def _check(self, operation: OperationDefinitionNode) -> list[GraphQLError]:
        """The errors to refuse the operation with: limits and validation ([]: it may run)."""
        execution_context = self.execution_context
        document = execution_context.graphql_document
        # 1. The shape, before validation: validating a huge document is work in itself.
        # It depends on the text and the operation only: measured once for both (`SHAPES`).
        shape_key = (execution_context.query, operation.name and operation.name.value)
        shape = SHAPES.get(shape_key) if execution_context.query else None
        if shape is None:
            shape = measure(document, operation)
            if execution_context.query:
                SHAPES.put(shape_key, shape)
        errors = []
        max_depth = settings.GRAPHQL_MAX_DEPTH
        if shape.depth > max_depth:
            errors.append(
                limit_error(
                    f"Query depth {shape.depth} exceeds the maximum of {max_depth} "
                    "(GRAPHQL_MAX_DEPTH).",
                    QUERY_TOO_DEEP,
                    "GRAPHQL_MAX_DEPTH",
                    max_depth,
                    shape.depth,
                    nodes=[operation],
                )
            )
        max_aliases = settings.GRAPHQL_MAX_ALIASES
        if shape.aliases > max_aliases:
            errors.append(
                limit_error(
                    f"Query uses {shape.aliases} aliases, over the maximum of {max_aliases} "
                    "(GRAPHQL_MAX_ALIASES).",
                    TOO_MANY_ALIASES,
                    "GRAPHQL_MAX_ALIASES",
                    max_aliases,
                    shape.aliases,
                    nodes=[operation],
                )
            )
        if errors:
            return errors
        # 2. Validation, as Strawberry would run it (unless validation is disabled).
        graphql_schema = graphql_schema_of(execution_context.schema)
        rules = tuple(execution_context.validation_rules)
        validated_key = (execution_context.query, rules)
        if rules and not (execution_context.query and VALIDATED.get(validated_key)):
            errors = validate_document(graphql_schema, document, rules)
            if errors:
                return errors
            if execution_context.query:
                VALIDATED.put(validated_key, True)
        # 3. Page sizes and cost, with the variables as execution will coerce them.
        analysis = self._analysis(document, operation)
        self.requested = analysis.cost
        self.maximum = settings.GRAPHQL_MAX_COST
        max_page = settings.GRAPHQL_MAX_PAGE_SIZE
        for page in analysis.page_sizes:
            if page.value > max_page:
                errors.append(
                    limit_error(
                        f"Page size {page.value} for {page.coordinate} exceeds the maximum of "
                        f"{max_page} (GRAPHQL_MAX_PAGE_SIZE).",
                        PAGE_SIZE_TOO_LARGE,
                        "GRAPHQL_MAX_PAGE_SIZE",
                        max_page,
                        page.value,
                        nodes=[page.node],
                    )
                )
        if errors:
            return errors
        if self.requested > self.maximum:
            return [
                limit_error(
                    f"Query cost {self.requested} exceeds the maximum of {self.maximum} "
                    "(GRAPHQL_MAX_COST).",
                    QUERY_TOO_COSTLY,
                    "GRAPHQL_MAX_COST",
                    self.maximum,
                    self.requested,
                    nodes=[operation],
                )
            ]
        context = execution_context.context
        if context is not None and hasattr(context, "cost"):
            context.cost = self.requested
        return []

    def _analysis(self, document: DocumentNode, operation: OperationDefinitionNode):
        """The operation's cost analysis; the same text with the same variables (a client's
        usual traffic) is analysed once (`ANALYSED`)."""
        execution_context = self.execution_context
        key = None
        if execution_context.query:
            try:
                variables_text = json.dumps(execution_context.variables or {}, sort_keys=True)
            except (TypeError, ValueError):  # uploads and other non-JSON values
                variables_text = None
            if variables_text is not None and len(variables_text) <= _MAX_ANALYSED_VARIABLES:
                key = (execution_context.query, operation.name and operation.name.value)
                key += (variables_text,)
                cached = ANALYSED.get(key)
                if cached is not None:
                    return cached
        graphql_schema = graphql_schema_of(execution_context.schema)
        variables = get_variable_values(
            graphql_schema,
            operation.variable_definitions or (),
            execution_context.variables or {},
        )
        if isinstance(variables, list):
            variables = None  # execution reports the bad variables; nothing runs
        analysis = operation_cost(graphql_schema, fragments_of(document), operation, variables)
        if key is not None:
            ANALYSED.put(key, analysis)
        return analysis

    def get_results(self) -> dict[str, Any]:
        if self.requested is None:
            return {}
        rate_limit = getattr(self.execution_context.context, "rate_limit", None)
        return {
            "cost": {
                "requested": self.requested,
                "maximum": self.maximum,
                "remaining": getattr(rate_limit, "remaining", None),
            }
        }
