"""Input that cannot be stored is refused before anything runs: lone surrogates, NUL, NaN.

JSON lets a client send text that no database column can hold: a lone UTF-16 surrogate
(`"\\ud800"`: Python keeps it, psycopg and sqlite3 cannot encode it) and the NUL character
(`"\\u0000"`: PostgreSQL's text types refuse it), and some JSON parsers (Channels' for WebSocket
messages) accept `NaN` and `Infinity`, which JSON columns refuse. Reaching a query, any of them
used to be an INTERNAL_SERVER_ERROR, field by field.

`StorableInput` is a schema extension, so every request passes it, whatever carried it (POST,
GET, multipart, a batch item, a persisted query, graphql-transport-ws and graphql-ws) and
whatever field it is for, present or future. Once the document is parsed, before validation and
execution, it looks at every value of `variables` (nested objects and lists, custom scalars such
as JSON, keys included) and every string literal of the document; the first value that cannot
be stored refuses the operation with a top-level BAD_USER_INPUT error naming the variable and
its path (or the literal's location). No resolver or service runs.

A lone surrogate *escape* inside the document (`"\\ud800"` in a GraphQL string) never gets here:
GraphQL's grammar forbids it, so graphql-core's lexer refuses the document (GRAPHQL_PARSE_FAILED).
"""

import math
from collections.abc import Iterator
from typing import Any

from graphql import DocumentNode, GraphQLError, StringValueNode, visit
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension

BAD_USER_INPUT = "BAD_USER_INPUT"


def unstorable_character(text: str) -> str | None:
    """The first character of `text` no database can store (NUL or a lone surrogate), as
    `U+XXXX`; None when every character can be stored."""
    if "\x00" in text:
        return "U+0000"
    try:
        text.encode("utf-8")  # C speed; only lone surrogates fail (a str holds code points)
    except UnicodeEncodeError as exc:
        return f"U+{ord(text[exc.start]):04X}"
    return None


def _problem(value: Any) -> str | None:
    """Why `value` (one leaf, or a key) cannot be stored, or None."""
    if isinstance(value, str):
        character = unstorable_character(value)
        if character == "U+0000":
            return "the NUL character (U+0000) cannot be stored"
        if character:
            return f"a lone UTF-16 surrogate ({character}) is not valid Unicode text"
    elif isinstance(value, float) and not math.isfinite(value):
        return f"{value} is not a finite number"
    return None


def _printable(key: Any) -> str:
    """A key for a message: unstorable characters as `\\uXXXX` escapes (the message is text)."""
    text = str(key)
    if unstorable_character(text) is None:
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\u0000")


def find_unstorable(variables: dict[str, Any]) -> tuple[str, str, str] | None:
    """The first value in `variables` that cannot be stored: (variable name, its path such as
    `input.tags[2]`, why); None when all can. Keys count too. Iterative: nesting costs no stack."""
    for name in variables:
        problem = _problem(name)
        if problem is not None:
            return _printable(name), _printable(name), f"its name: {problem}"
    stack = [(_printable(name), _printable(name), value) for name, value in variables.items()]
    stack.reverse()
    while stack:
        name, path, value = stack.pop()
        problem = _problem(value)
        if problem is not None:
            return name, path, problem
        if isinstance(value, dict):
            items = []
            for key, item in value.items():
                key_path = f"{path}.{_printable(key)}"
                key_problem = _problem(key)
                if key_problem is not None:
                    return name, key_path, f"its key: {key_problem}"
                items.append((name, key_path, item))
            stack.extend(reversed(items))
        elif isinstance(value, (list, tuple)):
            stack.extend((name, f"{path}[{i}]", value[i]) for i in range(len(value) - 1, -1, -1))
    return None


class _StringLiterals(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: tuple[StringValueNode, str] | None = None

    def enter_string_value(self, node: StringValueNode, *_args) -> Any:
        problem = _problem(node.value)
        if problem is not None:
            self.found = (node, problem)
            return self.BREAK
        return None


def unstorable_literal(query: str | None, document: DocumentNode) -> GraphQLError | None:
    """The error for the first string literal of `document` that cannot be stored, or None.

    The lexer refuses raw NUL and surrogates in strings; only an escape (`\\u0000`, `\\u{0}`)
    yields one, so a text with no `\\u` is not walked at all.
    """
    if query is not None and "\\u" not in query:
        return None
    visitor = _StringLiterals()
    visit(document, visitor)
    if visitor.found is None:
        return None
    node, problem = visitor.found
    return GraphQLError(
        f"A string literal in the document cannot be used: {problem}.",
        nodes=[node],
        extensions={"code": BAD_USER_INPUT},
    )


def unstorable_variable(variables: dict[str, Any] | None) -> GraphQLError | None:
    """The error for the first value of `variables` that cannot be stored, or None."""
    if not isinstance(variables, dict) or not variables:
        return None
    found = find_unstorable(variables)
    if found is None:
        return None
    name, path, problem = found
    return GraphQLError(
        f"Variable '${name}' got invalid value at '{path}': {problem}.",
        extensions={"code": BAD_USER_INPUT, "variable": name, "path": path},
    )


class StorableInput(SchemaExtension):
    """Refuses an operation whose variables or string literals hold values that cannot be
    stored (see the module's docstring), before validation and execution."""

    def on_parse(self) -> Iterator[None]:
        yield
        execution_context = self.execution_context
        document = execution_context.graphql_document
        if document is None or execution_context.pre_execution_errors:
            return  # the document did not parse: that error is the answer
        error = unstorable_variable(execution_context.variables) or unstorable_literal(
            execution_context.query, document
        )
        if error is not None:
            # Errors set before validation replace it, and nothing executes (Strawberry).
            execution_context.pre_execution_errors = [error]
