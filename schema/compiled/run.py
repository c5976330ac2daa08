"""Compiled reads: a query operation answered by one SQL statement (issue 12).

`CompiledReads` is the last schema extension to run before execution. For a query operation on
PostgreSQL it looks up the operation's plan (made once per document text, operation name and
kind of viewer — anonymous or logged in — and kept in `PLANS`), binds it to this request (the
viewer's id, the variables, each connection's page and cursor) and runs it: PostgreSQL returns
the whole `data` as JSON, and graphql-core's executor does not run. A request with an access
token not yet known to stand (schema/auth.py) asks about it in the same statement: `WHERE
EXISTS` of the token's rule, so a refused token gets no row. Every other extension
(limits, cost, rate limit, persisted operations, allow-list, masking, metrics, the operation
log) runs around it as it does around the executor.

An operation without a plan (a field with no SQL form, an interface, a variable directive …),
a request the plan does not cover (paging backwards, a bad cursor, arguments the resolver would
refuse) and every operation on SQLite run on the resolver path, with the same answers. Set
`GRAPHQL_COMPILED_READS=false` to answer everything there.
"""

import functools
import json
import logging
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from typing import Any

from asgiref.sync import sync_to_async
from django.db import connection
from graphql import DocumentNode, ExecutionResult, FieldNode, GraphQLError, SelectionSetNode
from graphql.execution.values import get_variable_values
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension

from apps.accounts.tokens import token_users
from booknest.internals.django_sql import prepared_cursor, queryset_sql
from booknest.internals.strawberry import graphql_schema
from schema.auth import check_viewer, settle_viewer, settle_viewer_sync
from schema.compiled.collect import NotCompilable
from schema.compiled.levels import viewer_kind
from schema.compiled.planner import Binding, Fallback, Planner, RootPiece, finish_posts
from schema.compiled.sqltext import Bound, Sql, new_marker
from schema.compiled.switch import compiled_reads_enabled
from schema.limits import BoundedCache, fragments_of

log = logging.getLogger(__name__)


class JsonText:
    """The response's `data`, as the JSON text PostgreSQL made: an HTTP response writes it as it
    is (schema/views.py), with no decoding and encoding again in Python."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


@dataclass
class Plan:
    pieces: list
    pagings: list
    keys: list[str]  # every response key of the root, in order
    rest: DocumentNode | None = None  # the root fields without a plan, for the resolver path
    posts: list = field(default_factory=list)  # the `Post` fields, finished in Python
    # The statement for each combination of the root fields' SQL (kept per viewer and
    # arguments by each RootPiece): its text with `$n` placeholders and its parameters.
    statements: BoundedCache = field(default_factory=lambda: BoundedCache(64))

    def bind(self, binding: Binding) -> tuple[str, list]:
        for paging in self.pagings:
            paging(binding)
        parts = [p.make(binding) if isinstance(p, RootPiece) else p for p in self.pieces]
        key = tuple(map(id, parts))
        statement = self.statements.get(key)
        # The parts are kept with the statement: an id stands for the same object while kept.
        if statement is None or any(a is not b for a, b in zip(statement[0], parts, strict=True)):
            sql = Sql("".join(p.text for p in parts), [v for p in parts for v in p.params])
            statement = (parts, sql.numbered(), sql)
            self.statements.put(key, statement)
        _, text, sql = statement
        return text, sql.bind(binding)


_NO_PLAN = object()
PLANS = BoundedCache(512)  # (document text, operation name, viewer kind) → plan


def key_of(selection: FieldNode) -> str:
    return (selection.alias or selection.name).value


def rest_of(document: DocumentNode, operation, rest: list[str]) -> DocumentNode | None:
    """The document with only the root fields in `rest` (None when there are none)."""
    if not rest:
        return None
    selections = operation.selection_set.selections
    if not all(isinstance(selection, FieldNode) for selection in selections):
        raise NotCompilable("root fields without a plan, and fragments at the root")
    kept = replace(
        operation,
        selection_set=SelectionSetNode(
            selections=tuple(s for s in selections if key_of(s) in rest)
        ),
    )
    others = tuple(d for d in document.definitions if d is not operation)
    return DocumentNode(definitions=(kept, *others))


def _no_reads(execute, sql, params, many, context):
    # A plan is made of querysets, never of what the database holds when it is made.
    raise NotCompilable("reads the database while planning")


def plan_for(schema, document, operation, key) -> Plan | None:
    """The operation's plan (made on first use, then cached); None when it has none."""
    plan = PLANS.get(key)
    if plan is None:
        planner = Planner(schema, fragments_of(document), viewer_kind=key[-1])
        try:
            with connection.execute_wrapper(_no_reads):
                pieces, rest = planner.plan(operation)
            resolved = rest_of(document, operation, rest)
            keys = [key_of(s) for s in operation.selection_set.selections] if resolved else []
            plan = Plan(pieces, planner.pagings, keys, resolved, planner.posts)
        except NotCompilable as reason:
            log.debug("no plan for %s: %s", key[1], reason)
            plan = _NO_PLAN
        except Exception:  # a plan that cannot be made is no reason to fail the request
            log.exception("planning %s failed; it runs on the resolver path", key[1])
            plan = _NO_PLAN
        PLANS.put(key, plan)
    return None if plan is _NO_PLAN else plan


@functools.cache
def _token_guard(with_session: bool) -> Sql:
    """`tokens.token_users` for a pending token's claims: SQL whose parameters are the claims
    of the request's token (a compiled read's statement answers only `WHERE EXISTS` it)."""
    # Stand-ins Django keeps as parameters: an id no row has, a version no reader reaches (a
    # positive number: Django compiles a negative one for a positive column to no rows).
    user_id, version = new_marker(), 2_147_000_123
    session_id = uuid.uuid4() if with_session else None
    sql, params = queryset_sql(token_users(user_id, version, session_id).values("pk"))
    claims = {
        str(user_id): Bound(lambda binding: binding.context.pending_token.user_id),
        str(version): Bound(lambda binding: binding.context.pending_token.version),
        str(session_id): Bound(lambda binding: binding.context.pending_token.session_id),
    }
    bound = [claims.get(str(value), value) for value in params]
    if sum(isinstance(value, Bound) for value in bound) != 2 + with_session:
        raise RuntimeError("a token's claims were lost in token_users' SQL")
    return Sql(sql, bound)


@functools.cache
def _token_guard_text(with_session: bool, after: int) -> str:
    """The guard's text, its placeholders numbered after the statement's `after` ones."""
    return " WHERE EXISTS (" + _token_guard(with_session).numbered(start=after + 1) + ")"


def _answer(schema, document, operation, key, binding: Binding) -> tuple[Plan, Any] | None:
    """In the database thread: plan (once), bind and run; None for the resolver path, whose
    viewer is then settled (schema/auth.py: a pending token is asked about before it runs)."""
    answer = _run(schema, document, operation, key, binding)
    if answer is None:
        settle_viewer_sync(binding.context)
    return answer


def _run(schema, document, operation, key, binding: Binding) -> tuple[Plan, Any] | None:
    plan = plan_for(schema, document, operation, key)
    if plan is None:
        return None
    context = binding.context
    if plan.rest is not None:  # resolvers run too, with the whole user
        settle_viewer_sync(context)
        if context.auth_error:
            return None
    pending = context.pending_token
    try:
        sql, params = plan.bind(binding)
        if pending is not None:  # the token is asked about in the same statement
            with_session = pending.session_id is not None
            sql += _token_guard_text(with_session, len(params))
            params += _token_guard(with_session).bind(binding)
    except (Fallback, NotCompilable):
        return None
    except GraphQLError as refused:  # an argument the client got wrong (an id that is no id)
        log.debug("%s: %s; the resolver path answers with the error", key[1], refused.message)
        return None
    except Exception:  # a request the plan cannot take is no reason to fail it
        log.exception("binding the plan of %s failed; answering on the resolver path", key[1])
        return None
    try:
        with prepared_cursor(connection) as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
    except Exception:
        # The resolver path answers instead, with its own errors (a database that is down is
        # SERVICE_UNAVAILABLE there, an id out of a column's range simply absent).
        log.warning(
            "the compiled statement of %s failed; answering on the resolver path",
            key[1],
            exc_info=True,
        )
        return None
    finally:
        if not connection.in_atomic_block:
            connection.close()  # back to the pool at once: the answer is in hand
    if row is None:  # the token does not stand: settled, it says why
        return None
    context.pending_token = None  # it stands
    text = row[0]
    if plan.posts:  # values finished in Python: the JSON is decoded (here, off the event loop)
        return plan, finish_posts(text, plan.posts, binding)
    return plan, text


class CompiledReads(SchemaExtension):
    """Answers a planned query operation with one SQL statement (see the module)."""

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        answer = None
        if context.result is None and compiled_reads_enabled():
            answer = await self._compiled_data()
        if answer is None:
            await settle_viewer(context.context)  # when the read did not ask (schema/auth.py)
            check_viewer(context)
            yield
            return
        plan, answered = answer  # JSON text, or data already decoded (`Post` fields)
        raw = isinstance(answered, str) and getattr(context.context, "data_as_json_text", False)
        if raw and plan.rest is None:
            context.result = ExecutionResult(data=JsonText(answered))
            yield
            return
        data = json.loads(answered) if isinstance(answered, str) else answered
        if plan.rest is None:
            context.result = ExecutionResult(data=data)
            yield
            return
        # The root fields without a plan run on the resolver path; their data joins the rest.
        context.graphql_document = plan.rest
        yield
        result = context.result
        if result is not None and result.data is not None:
            resolved = result.data
            result.data = {k: data[k] if k in data else resolved.get(k) for k in plan.keys}

    async def _compiled_data(self) -> tuple[Plan, Any] | None:
        context = self.execution_context
        document = context.graphql_document
        if document is None or not context.query:
            return None
        operation = get_operation_ast(document, context.operation_name)
        if operation is None or operation.operation.value != "query":
            return None
        variables = get_variable_values(
            graphql_schema(context.schema),
            operation.variable_definitions or (),
            context.variables or {},
        )
        if isinstance(variables, list):
            return None  # the executor reports the bad variables
        viewer = context.context
        key = (context.query, context.operation_name, viewer_kind(viewer.user))
        binding = Binding(viewer, variables)
        return await sync_to_async(_answer)(context.schema, document, operation, key, binding)
