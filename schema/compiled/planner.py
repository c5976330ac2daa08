"""From a query operation to one SQL statement that builds its `data` as JSON in PostgreSQL.

The planner walks the operation with the schema: every selected field must have a SQL form
(`schema.compiled.forms`), or the operation has no plan (`NotCompilable`) and runs on the
resolver path. Objects become `json_build_object(...)`, lists `json_agg(... ORDER BY ...)`,
connections a keyset page with `row_number()` (edges, `pageInfo`, `totalCount`), each over a
derived table (`levels.Level`) whose rows are the field's queryset with the node type's own
rules (`get_queryset`) applied — the rules the resolver path applies, compiled by Django.

Nested levels are compiled once, when the plan is made, with stand-ins for the viewer and the
parent row. A root field's rows depend on its arguments, so its queryset is built and compiled
per request (`RootPiece`); everything under it was compiled with the plan.
"""

import itertools
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connection
from graphql import (
    FieldNode,
    GraphQLError,
    GraphQLList,
    GraphQLObjectType,
    OperationDefinitionNode,
    get_nullable_type,
)
from graphql.execution.values import VariableValues, get_argument_values
from strawberry.relay.utils import from_base64
from strawberry.types.arguments import convert_arguments
from strawberry_django.utils.typing import get_django_definition

from booknest.internals.strawberry import graphql_schema, scalar_registry
from schema.compiled import convert
from schema.compiled.collect import NotCompilable, collect, sub_fields
from schema.compiled.forms import Expr, OneOf, Post, Raw, Root, Rows, form_of
from schema.compiled.levels import (
    Level,
    RowStandIn,
    call_resolver,
    info_stand_in,
    orders,
    viewer_stand_in,
)
from schema.compiled.sqltext import VIEWER, Bound, Sql, compile_queryset, literal
from schema.fields import ModelField
from schema.limits import BoundedCache

PAGING = ("first", "after", "last", "before")


class Fallback(Exception):
    """This request, though planned, must run on the resolver path (it would end in an
    error there, or takes a case the plan does not cover)."""


class Binding:
    """What a plan is bound to per request: the viewer, the variables, each connection's page."""

    def __init__(self, context: Any, variables: VariableValues) -> None:
        self.context = context
        self.viewer_id = context.viewer_id
        self.variables = variables
        self.pages: dict[int, int] = {}
        # The variables' values as JSON (a cache key), None when they are not JSON's values.
        try:
            self.variables_key: str | None = json.dumps(variables.coerced, sort_keys=True)
        except (TypeError, ValueError):
            self.variables_key = None
        self._afters: dict[int, str | None] = {}
        self._cursors: dict[int, list | None] = {}

    def page(self, key: int, kwargs: dict[str, Any]) -> None:
        """Takes a connection's paging arguments out of `kwargs`: the page size and cursor."""
        first, after = kwargs.pop("first", None), kwargs.pop("after", None)
        last, before = kwargs.pop("last", None), kwargs.pop("before", None)
        if last is not None or before is not None:
            raise Fallback("paging backwards")
        if first is None:
            first = settings.GRAPHQL_MAX_PAGE_SIZE
        if not 0 <= first <= MAX_RESULTS:
            raise Fallback("page size out of range")
        self.pages[key] = first
        self._afters[key] = after

    def cursor(self, key: int, orders: list) -> list | None:
        """The values of the connection's `after` cursor (None without one)."""
        if key not in self._cursors:
            self._cursors[key] = decode_cursor(self._afters.get(key), orders)
        return self._cursors[key]


def decode_cursor(cursor: str | None, orders: list) -> list | None:
    """strawberry-django's `OrderedCollectionCursor.from_cursor`, for the plan's orders."""
    if cursor is None:
        return None
    try:
        kind, text = from_base64(cursor)
        values = json.loads(text)
        if kind != "orderedcursor" or not isinstance(values, list) or len(values) != len(orders):
            raise ValueError
        decoded = [
            None if v is None else order.field.to_python(v)
            for order, v in zip(orders, values, strict=True)
        ]
    except (ValueError, TypeError, ValidationError) as error:
        raise Fallback("invalid cursor") from error
    if any(v is None for v in decoded):
        raise Fallback("a cursor with a null")  # strawberry-django's own null rules
    return decoded


# The key of a `Post` field's value in the statement's JSON: {POST_KEY: index, "v": value}.
# Random per process: no text a reader stores can be taken for one.
POST_KEY = f"__post_{secrets.token_hex(8)}"


def finish_posts(text: str, posts: list, binding: "Binding") -> Any:
    """The statement's JSON decoded, each `Post` field's value finished in Python."""
    arguments: dict[int, dict] = {}

    def finish(obj: dict) -> Any:
        index = obj.get(POST_KEY)
        if index is None or len(obj) != 2:
            return obj
        post, field_arguments = posts[index]
        if index not in arguments:
            arguments[index] = field_arguments(binding)
        return post(obj["v"], arguments[index], binding.context)

    return json.loads(text, object_hook=finish)


@dataclass
class RootPiece:
    """A root field's SQL, made per request from its arguments."""

    make: Callable[[Binding], Sql]


class Planner:
    def __init__(self, schema: Any, fragments: dict, viewer_kind: str) -> None:
        self.schema = schema  # the Strawberry schema
        self.graphql_schema = graphql_schema(schema)
        self.fragments = fragments
        self.viewer, self.viewer_markers = viewer_stand_in(viewer_kind)
        self._aliases = itertools.count()
        self._fields: dict[str, dict[str, Any]] = {}
        # Per request, before the SQL is bound: the paging arguments of nested connections.
        self.pagings: list[Callable[[Binding], dict]] = []
        # The `Post` fields: (finish, their arguments per request), by the index in their JSON.
        self.posts: list[tuple[Callable, Callable[[Binding], dict]]] = []

    # -- the operation -------------------------------------------------------------------
    def plan(self, operation: OperationDefinitionNode) -> tuple[list[Sql | RootPiece], list[str]]:
        """The statement's pieces for the root fields that have a plan, and the response keys
        of those that do not (answered on the resolver path, beside the statement)."""
        if operation.operation.value != "query":
            raise NotCompilable("not a query")
        root = self.graphql_schema.query_type
        fields = collect(self.graphql_schema, root, operation.selection_set, self.fragments)
        planned: list[tuple[str, Sql | RootPiece]] = []
        rest: list[str] = []
        for key, nodes in fields.items():
            pagings = len(self.pagings)
            try:
                planned.append((key, self._root_field(root, nodes)))
            except NotCompilable:
                del self.pagings[pagings:]  # those of the field given up
                rest.append(key)
        if all(fields[key][0].name.value == "__typename" for key, _ in planned):
            raise NotCompilable("nothing to read")
        if len(planned) > 50:
            raise NotCompilable("more than 50 keys in one object")
        pieces: list[Sql | RootPiece] = [Sql("SELECT json_build_object(")]
        for index, (key, piece) in enumerate(planned):
            pieces.append(Sql(("" if index == 0 else ", ") + literal(key) + ", "))
            pieces.append(piece)
        pieces.append(Sql(")::text"))
        return pieces, rest

    def _root_field(self, root: GraphQLObjectType, nodes: list[FieldNode]) -> Sql | RootPiece:
        name = nodes[0].name.value
        if name == "__typename":
            return Sql(literal(root.name))
        graphql_field = root.fields[name]
        field = self._strawberry_field(root.name, name)
        form = form_of(field)
        node_type = self._object_type(graphql_field.type)
        if getattr(field, "is_connection", False):
            node_type = self._node_of(node_type)
        origin = self._origin(node_type)
        if isinstance(form, Root):
            shape = "many" if form.many else "single"

            def rows(binding: Binding, kwargs: dict[str, Any]) -> Any:
                return form.build(binding.context.user, **kwargs)
        elif getattr(field, "is_connection", False) and field.base_resolver is not None:
            shape = "connection"

            def rows(binding: Binding, kwargs: dict[str, Any]) -> Any:
                info = info_stand_in(None, binding.context)
                return call_resolver(field, None, info, kwargs)
        else:
            raise NotCompilable(f"Query.{name} has no SQL form")
        level = Level(self._model(node_type), f"_t{next(self._aliases)}")
        shaped = self._shape(shape, node_type, nodes, level, graphql_field)
        arguments = self._arguments(field, graphql_field, nodes[0])

        made = BoundedCache(256)  # this field's SQL per viewer and arguments

        def make(binding: Binding) -> Sql:
            kwargs = arguments(binding)
            key = (binding.viewer_id, repr(sorted(kwargs.items())))
            sql = made.get(key)
            if sql is not None:
                return sql
            reads: list[str] = []
            try:
                with connection.execute_wrapper(_noting(reads)):
                    queryset = rules(origin, rows(binding, kwargs), binding.context)
                    sql = shaped(queryset, binding.context.user, {})
            except (GraphQLError, NotCompilable) as error:
                raise Fallback(str(error)) from error
            if not reads:  # rows found by reading the database are not kept
                made.put(key, sql)
            return sql

        return RootPiece(make)

    # -- shapes: one object, a list, a connection --------------------------------------------
    def _shape(
        self,
        shape: str,
        node_type: GraphQLObjectType,
        nodes: list[FieldNode],
        level: Level,
        graphql_field: Any,
    ) -> Callable[[Any, Any, dict], Sql]:
        """A function (queryset, viewer, markers) → the field's SQL over those rows."""
        alias = level.alias
        if shape == "connection":
            return self._connection(node_type, nodes, level, graphql_field)
        obj = self._object(node_type, self._sub(node_type, nodes), level)
        if shape == "single":

            def single(queryset: Any, viewer: Any, markers: dict) -> Sql:
                rows = compile_queryset(level.rows(queryset, viewer, False), markers)
                return "(SELECT " + obj + " FROM (" + rows + f") {alias} LIMIT 1)"

            return single

        def many(queryset: Any, viewer: Any, markers: dict) -> Sql:
            order = ", ".join(o.sql() for o in orders(level, queryset, with_pk=False))
            rows = compile_queryset(level.rows(queryset, viewer, False), markers)
            by = f" ORDER BY {order}" if order else ""
            return (
                "(SELECT coalesce(json_agg("
                + obj
                + by
                + "), '[]'::json) FROM ("
                + rows
                + f") {alias})"
            )

        return many

    def _connection(
        self, node_type: GraphQLObjectType, nodes: list[FieldNode], level: Level, graphql_field
    ) -> Callable[[Any, Any, dict], Sql]:
        connection_type = self._object_type(graphql_field.type)
        fields = self._sub(connection_type, nodes)
        alias = level.alias
        key = id(nodes[0])
        first = Sql.param(Bound(lambda binding: binding.pages[key]))
        within = Sql(f" FILTER (WHERE {alias}._n <= ") + first + ")"
        # The nodes' objects, compiled once (a root connection's page is made per request).
        edge_type = self._object_type(connection_type.fields["edges"].type)
        node_sql = {}
        for edges in fields.values():
            if edges[0].name.value != "edges":
                continue
            for edge_nodes in self._sub(edge_type, edges).values():
                if edge_nodes[0].name.value == "node":
                    node_fields = self._sub(node_type, edge_nodes)
                    node_sql[_ids(edge_nodes)] = self._object(node_type, node_fields, level)

        def make(queryset: Any, viewer: Any, markers: dict) -> Sql:
            keys = orders(level, queryset, with_pk=True)
            cursor = Sql(
                convert.base64_text(
                    "'orderedcursor:[' || "
                    + " || ',' || ".join(k.cursor_value() for k in keys)
                    + " || ']'"
                )
            )
            base = level.rows(queryset, viewer, False)
            total = Sql("(SELECT count(*) FROM (") + compile_queryset(base, markers) + ") _count)"
            values = {
                "cursor": cursor,
                "first": first,
                "within": within,
                "total": total,
                "nodes": node_sql,
            }
            parts = [
                literal(name)
                + ", "
                + self._connection_field(connection_type, field_nodes, level, values)
                for name, field_nodes in fields.items()
            ]
            if len(parts) > 50:
                raise NotCompilable("more than 50 keys in one object")
            order = ", ".join(k.sql() for k in keys)
            page = (
                f"(SELECT {alias}.*, row_number() OVER (ORDER BY {order}) AS _n FROM ("
                + compile_queryset(base, markers)
                + f") {alias} WHERE "
                + self._after(keys, key)
                + f" ORDER BY {order} LIMIT "
                + first
                + " + 1)"
            )
            return (
                "(SELECT json_build_object("
                + Sql.join(", ", parts)
                + ") FROM "
                + page
                + f" {alias} GROUP BY ())"  # one row, even for `{ totalCount }` alone
            )

        return make

    @staticmethod
    def _after(keys: list, page: int) -> Sql:
        """The keyset predicate of `after` (true without a cursor), as strawberry-django has it:
        from the last key back, `key > value OR (key = value AND <the rest>)`."""
        current: Sql | None = None
        for index in reversed(range(len(keys))):
            key = keys[index]
            value = Sql.param(
                Bound(
                    lambda binding, i=index: (binding.cursor(page, keys) or [None] * len(keys))[i]
                )
            )
            op = "<" if key.descending else ">"
            compare = Sql(f"{key.column} {op} ") + value
            if key.nullable and not key.nulls_first:
                compare = "(" + compare + f" OR {key.column} IS NULL)"
            if current is None:
                current = compare
            else:
                current = "(" + compare + f" OR ({key.column} = " + value + " AND " + current + "))"
        no_cursor = Sql.param(Bound(lambda binding: binding.cursor(page, keys) is None))
        return "(" + no_cursor + " OR " + (current or Sql("true")) + ")"

    def _connection_field(self, connection_type, nodes, level: Level, values: dict) -> Sql:
        name = nodes[0].name.value
        alias = level.alias
        if name == "__typename":
            return Sql(literal(connection_type.name))
        if name == "totalCount":
            return values["total"]
        if name == "edges":
            edge_type = self._object_type(connection_type.fields["edges"].type)
            parts = []
            for key, edge_nodes in self._sub(edge_type, nodes).items():
                edge_field = edge_nodes[0].name.value
                if edge_field == "__typename":
                    value = Sql(literal(edge_type.name))
                elif edge_field == "cursor":
                    value = values["cursor"]
                elif edge_field == "node":
                    value = values["nodes"][_ids(edge_nodes)]
                else:
                    raise NotCompilable(f"{edge_type.name}.{edge_field}")
                parts.append(literal(key) + ", " + value)
            edge = "json_build_object(" + Sql.join(", ", parts) + ")"
            return (
                "coalesce(json_agg("
                + edge
                + f" ORDER BY {alias}._n)"
                + values["within"]
                + ", '[]'::json)"
            )
        if name == "pageInfo":
            info_type = self._object_type(connection_type.fields["pageInfo"].type)
            parts = []
            for key, info_nodes in self._sub(info_type, nodes).items():
                info_field = info_nodes[0].name.value
                if info_field == "__typename":
                    value = Sql(literal(info_type.name))
                elif info_field == "hasNextPage":
                    value = "(count(*) > " + values["first"] + ")"
                elif info_field == "hasPreviousPage":
                    value = Sql("false")
                elif info_field in ("startCursor", "endCursor"):
                    direction = "" if info_field == "startCursor" else " DESC"
                    value = (
                        "(array_agg("
                        + values["cursor"]
                        + f" ORDER BY {alias}._n{direction})"
                        + values["within"]
                        + ")[1]"
                    )
                else:
                    raise NotCompilable(f"PageInfo.{info_field}")
                parts.append(literal(key) + ", " + value)
            return "json_build_object(" + Sql.join(", ", parts) + ")"
        raise NotCompilable(f"{connection_type.name}.{name}")

    # -- objects and their fields -----------------------------------------------------------
    def _object(
        self, object_type: GraphQLObjectType, fields: dict[str, list[FieldNode]], level: Level
    ) -> Sql:
        if len(fields) > 50:
            raise NotCompilable("more than 50 keys in one object")
        parts = [
            literal(key) + ", " + self._field(object_type, nodes, level)
            for key, nodes in fields.items()
        ]
        return "json_build_object(" + Sql.join(", ", parts) + ")"

    def _field(self, object_type: GraphQLObjectType, nodes: list[FieldNode], level: Level) -> Sql:
        name = nodes[0].name.value
        if name == "__typename":
            return Sql(literal(object_type.name))
        graphql_field = object_type.fields[name]
        field = self._strawberry_field(object_type.name, name)
        form = form_of(field)
        takes_arguments = getattr(field, "is_connection", False) or isinstance(form, Post)
        if nodes[0].arguments and not takes_arguments:
            raise NotCompilable(f"{object_type.name}.{name} has arguments")
        value_type = get_nullable_type(graphql_field.type)
        if isinstance(form, Post):
            value = Sql(level.computed(form, form.build))
            arguments = self._arguments(field, graphql_field, nodes[0], paging=False)
            self.posts.append((form.finish, arguments))
            return (
                Sql(f"json_build_object({literal(POST_KEY)}, {len(self.posts) - 1}, 'v', ")
                + value
                + ")"
            )
        if isinstance(form, Expr):
            value = Sql(level.computed(form, form.build))
            return self._value(value_type, nodes, value)
        if isinstance(form, Raw):
            return self._value(value_type, nodes, self._raw(form, level))
        if isinstance(form, OneOf):
            return self._one_of(form, value_type, nodes, level)
        if isinstance(form, Rows):
            shape = "many" if form.many else "single"
            return self._child(form.build, shape, graphql_field, nodes, level)
        if name == "id" and any(i.name == "Node" for i in object_type.interfaces):
            return Sql(convert.global_id(object_type.name, level.column("pk")))
        if getattr(field, "is_connection", False) and field.base_resolver is not None:

            def build(row: Any, viewer: Any) -> Any:
                return call_resolver(field, row, info_stand_in(viewer), {})

            if any(a.name.value not in PAGING for n in nodes for a in n.arguments or ()):
                raise NotCompilable(f"{object_type.name}.{name} has arguments")
            return self._child(build, "connection", graphql_field, nodes, level, field)
        if isinstance(field, ModelField) and field.base_resolver is None:
            model_field = self._model_field(level.model, field)
            if model_field.is_relation:
                return self._foreign_key(model_field, graphql_field, nodes, level)
            return convert.leaf(value_type, Sql(level.column(model_field.attname)))
        if field is not None and field.base_resolver is None and getattr(field, "is_relation", 0):
            model_field = self._model_field(level.model, field)
            return self._foreign_key(model_field, graphql_field, nodes, level)
        raise NotCompilable(f"{object_type.name}.{name} has no SQL form")

    def _foreign_key(self, model_field, graphql_field, nodes, level) -> Sql:
        if not (model_field.many_to_one or model_field.one_to_one) or not model_field.concrete:
            raise NotCompilable(f"relation {model_field.name}")
        target = model_field.related_model
        attname = model_field.attname

        def build(row: Any, viewer: Any) -> Any:
            return target._default_manager.filter(pk=getattr(row, attname))

        return self._child(build, "single", graphql_field, nodes, level)

    def _child(self, build, shape: str, graphql_field, nodes, parent: Level, field=None) -> Sql:
        """A field whose value is other rows: built from the parent row, compiled now."""
        node_type = self._object_type(graphql_field.type)
        if shape == "connection":
            node_type = self._node_of(node_type)
        level = Level(self._model(node_type), f"_t{next(self._aliases)}")
        markers = dict(self.viewer_markers)
        queryset = build(RowStandIn(parent, markers), self.viewer)
        queryset = rules(self._origin(node_type), queryset, info_stand_in(self.viewer).context)
        shaped = self._shape(shape, node_type, nodes, level, graphql_field)
        if shape == "connection":
            self.pagings.append(self._arguments(field, graphql_field, nodes[0]))
        return shaped(queryset, self.viewer, markers)

    def _one_of(self, form: OneOf, union: Any, nodes: list[FieldNode], parent: Level) -> Sql:
        """A union's value: the object of the first member whose row exists."""
        context = info_stand_in(self.viewer).context
        members = []
        for member in union.types:
            model = self._model(member)
            markers = dict(self.viewer_markers)
            queryset = form.build(model, RowStandIn(parent, markers), self.viewer)
            if queryset is None:
                continue
            level = Level(model, f"_t{next(self._aliases)}")
            obj = self._object(member, self._sub(member, nodes), level)
            queryset = rules(self._origin(member), queryset, context)
            rows = compile_queryset(level.rows(queryset, self.viewer, False), markers)
            members.append("(SELECT " + obj + " FROM (" + rows + f") {level.alias} LIMIT 1)")
        if not members:
            raise NotCompilable(f"no member of {union.name} has rows")
        return "COALESCE(" + Sql.join(", ", members) + ")"

    def _value(self, value_type, nodes: list[FieldNode], value: Sql) -> Sql:
        """A computed value: a leaf as it is, an object or list of objects picked from JSON."""
        if isinstance(value_type, GraphQLList):
            item_type = get_nullable_type(value_type.of_type)
            if not isinstance(item_type, GraphQLObjectType):
                return value
            alias, element = f"_j{next(self._aliases)}", f"_j{next(self._aliases)}"
            item = self._json_object(item_type, nodes, f"{element}.value")
            # NULL (or JSON null) stays null; an empty array stays an empty list.
            items = "(SELECT json_agg(" + item + f") FROM json_array_elements({alias}.v) {element})"
            return (
                f"(SELECT CASE WHEN {alias}.v IS NULL OR json_typeof({alias}.v) = 'null' "
                + "THEN NULL ELSE coalesce("
                + items
                + ", '[]'::json) END FROM (SELECT "
                + value
                + f" AS v OFFSET 0) {alias})"
            )
        if isinstance(value_type, GraphQLObjectType):
            alias = f"_j{next(self._aliases)}"
            obj = self._json_object(value_type, nodes, f"{alias}.v")
            return (
                f"(SELECT CASE WHEN {alias}.v IS NULL THEN NULL ELSE "
                + obj
                + " END FROM (SELECT "
                + value
                + f" AS v OFFSET 0) {alias})"  # OFFSET 0: the value is computed once
            )
        return convert.leaf(value_type, value)

    def _json_object(self, object_type: GraphQLObjectType, nodes, json: str) -> Sql:
        parts = []
        for key, field_nodes in self._sub(object_type, nodes).items():
            name = field_nodes[0].name.value
            if name == "__typename":
                parts.append(Sql(literal(key) + ", " + literal(object_type.name)))
                continue
            value_type = get_nullable_type(object_type.fields[name].type)
            picked = Sql(f"({json} -> {literal(name)})")
            if isinstance(value_type, GraphQLList | GraphQLObjectType):
                picked = self._value(value_type, field_nodes, picked)
            parts.append(literal(key) + ", " + picked)
        return "json_build_object(" + Sql.join(", ", parts) + ")"

    def _raw(self, form: Raw, level: Level) -> Sql:
        columns = {name: level.column(name) for name in form.columns}
        text = form.template.format(viewer="\x00", **columns)
        pieces = text.split("\x00")
        out = Sql(pieces[0])
        for piece in pieces[1:]:
            out = out + Sql.param(VIEWER) + piece
        return out

    # -- arguments --------------------------------------------------------------------------
    def _arguments(
        self, field, graphql_field, node: FieldNode, paging: bool = True
    ) -> Callable[[Binding], dict]:
        """Per request: the field's arguments as its resolver takes them (with `paging`, a
        connection's page and cursor are taken out for the binding)."""
        schema = self.schema

        converted = BoundedCache(256)  # per variables (as JSON), when they are JSON's values

        def arguments(binding: Binding) -> dict[str, Any]:
            key = binding.variables_key
            kwargs = converted.get(key) if key is not None else None
            if kwargs is None:
                try:
                    values = get_argument_values(graphql_field, node, binding.variables)
                except GraphQLError as error:
                    raise Fallback(str(error)) from error
                kwargs = convert_arguments(
                    values, field.arguments, scalar_registry(schema), schema.config
                )
                if key is not None:
                    converted.put(key, kwargs)
            kwargs = dict(kwargs)  # the paging arguments are taken out of a copy
            if paging:
                binding.page(id(node), kwargs)
            return kwargs

        return arguments

    # -- the schema -------------------------------------------------------------------------
    def _sub(self, object_type: GraphQLObjectType, nodes: list[FieldNode]) -> dict:
        return sub_fields(self.graphql_schema, object_type, nodes, self.fragments)

    def _strawberry_field(self, type_name: str, graphql_name: str) -> Any:
        fields = self._fields.get(type_name)
        if fields is None:
            definition = self.schema.get_type_by_name(type_name)
            converter = self.schema.config.name_converter
            fields = {converter.get_graphql_name(f): f for f in definition.fields}
            self._fields[type_name] = fields
        return fields.get(graphql_name)

    @staticmethod
    def _object_type(graphql_type: Any) -> GraphQLObjectType:
        inner = get_nullable_type(graphql_type)
        while isinstance(inner, GraphQLList):
            inner = get_nullable_type(inner.of_type)
        if not isinstance(inner, GraphQLObjectType):
            raise NotCompilable(f"{inner} is not an object type")
        return inner

    def _node_of(self, connection_type: GraphQLObjectType) -> GraphQLObjectType:
        edge_type = self._object_type(connection_type.fields["edges"].type)
        return self._object_type(edge_type.fields["node"].type)

    def _origin(self, object_type: GraphQLObjectType) -> Any:
        return self.schema.get_type_by_name(object_type.name).origin

    def _model(self, object_type: GraphQLObjectType) -> Any:
        definition = get_django_definition(self._origin(object_type))
        if definition is None:
            raise NotCompilable(f"{object_type.name} is not a model type")
        return definition.model

    @staticmethod
    def _model_field(model: Any, field: Any) -> Any:
        try:
            return model._meta.get_field(field.django_name or field.python_name)
        except FieldDoesNotExist:
            raise NotCompilable(f"{model.__name__}.{field.python_name} is no column") from None


def _noting(reads: list[str]) -> Callable:
    """A Django execute wrapper that notes each statement run."""

    def note(execute, sql, params, many, context):
        reads.append(sql)
        return execute(sql, params, many, context)

    return note


def _ids(nodes: list[FieldNode]) -> tuple[int, ...]:
    return tuple(id(node) for node in nodes)


def rules(origin: Any, queryset: Any, context: Any) -> Any:
    """The node type's own rules (`get_queryset`), as every way to reach its rows applies them."""
    get_queryset = getattr(origin, "get_queryset", None)
    if get_queryset is None:
        return queryset
    return get_queryset(queryset, info_stand_in(None, context))


MAX_RESULTS = 100  # strawberry's `relay_max_results`, the most `first` may ask for
