"""A connection's page reads only the columns its selection needs (issue 10's profiling).

The book page's 20 reviews came with every column of the review, of its reader and of the
reader's profile (password hash, six timestamps — parsed in Python by Django's psycopg loader —,
the bio …): reading only what the page shows saves about 840 Python calls and 950 calls into C
per book page (counted; about 30,000 in all). `only_selected`
narrows a connection's queryset to the columns of the fields the operation selects under
`edges { node { … } }`, through fragments and through relations selected with the row
(`select_related`).

It narrows only when it knows what every selected field reads, so a resolver it knows nothing
about can never meet a deferred column (Django would read it with a query per row; in an async
resolver, not at all: an error):
- a plain model attribute (`schema.fields.model_field` without a resolver) reads its column;
- a resolver declares what it reads with `@reads(...)`: column paths, where a path through a
  relation (`profile__display_name`) counts only when that relation comes with the row (else a
  loader reads it), and `follows="user"` for a field returning the related object itself,
  whose own selection is then narrowed the same way under `user__`;
- any other selected field (a resolver without `@reads`, a relation field) leaves the queryset
  as it is. So does a queryset already narrowed (`only`/`defer`) or selecting every relation.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from graphql import GraphQLObjectType, get_nullable_type
from graphql.type.definition import GraphQLList
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField

from schema.fields import ModelField

T = TypeVar("T")
_DEFINITION = GraphQLCoreConverter.DEFINITION_BACKREF


def reads(*paths: str, follows: str | None = None) -> Callable[[T], T]:
    """Declares what a resolver reads of its row, for `only_selected` (applied above the field
    decorator): `@reads("username", "profile__display_name")`, `@reads(follows="user")`."""

    def mark(field: T) -> T:
        field.reads = paths  # type: ignore[attr-defined]
        field.follows = follows  # type: ignore[attr-defined]
        return field

    return mark


def only_selected(queryset: Any, info: Any) -> Any:
    """`queryset.only(<the selected columns>)`, or the queryset itself when that is not known."""
    if not isinstance(queryset, QuerySet):
        return queryset
    query = queryset.query
    if query.select_related is True or query.deferred_loading != (frozenset(), True):
        return queryset
    node_type = _node_type(info._raw_info.return_type)
    if node_type is None:
        return queryset
    nodes = _node_selections(info.selected_fields)
    if nodes is None:
        return queryset
    tree = query.select_related or {}
    columns: set[str] = set()
    if not _collect(node_type, nodes, queryset.model, tree, "", columns, query.annotations):
        return queryset
    _keep_relations(queryset.model, tree, "", columns)
    if not columns:
        return queryset  # only the ids: `only()` of nothing is not a thing
    return queryset.only(*sorted(columns))


def _node_type(connection_type: Any) -> GraphQLObjectType | None:
    connection = get_nullable_type(connection_type)
    if not isinstance(connection, GraphQLObjectType) or "edges" not in connection.fields:
        return None
    edges = get_nullable_type(connection.fields["edges"].type)
    edge = get_nullable_type(edges.of_type) if isinstance(edges, GraphQLList) else None
    if not isinstance(edge, GraphQLObjectType) or "node" not in edge.fields:
        return None
    node = get_nullable_type(edge.fields["node"].type)
    return node if isinstance(node, GraphQLObjectType) else None


def _node_selections(selected_fields: list) -> list | None:
    """What the operation selects of the connection's nodes (`edges { node { … } }`); None
    when an edge selects something else than its node and cursor."""
    nodes: list = []
    for connection in selected_fields:
        for edges in flatten(connection.selections):
            if edges.name != "edges":
                continue  # totalCount, pageInfo: nothing of the rows
            for selection in flatten(edges.selections):
                if selection.name == "node":
                    nodes.extend(selection.selections)
                elif selection.name not in ("cursor", "__typename"):  # cursors: the ordering's
                    return None
    return nodes


def flatten(selections: list) -> list[SelectedField]:
    """The fields among these selections, those of fragments included (first level only)."""
    fields: list[SelectedField] = []
    for selection in selections:
        if isinstance(selection, FragmentSpread | InlineFragment):
            fields.extend(flatten(selection.selections))
        elif isinstance(selection, SelectedField):
            fields.append(selection)
    return fields


def _field(graphql_type: GraphQLObjectType, name: str) -> Any:
    """The Strawberry field behind a GraphQL field (None for one Strawberry did not build)."""
    graphql_field = graphql_type.fields.get(name)
    return (graphql_field.extensions or {}).get(_DEFINITION) if graphql_field else None


def _collect(graphql_type, selections, model, tree, prefix, columns, annotations) -> bool:
    """Adds the columns `selections` read to `columns`; False when some field is unknown."""
    for selection in flatten(selections):
        name = selection.name
        if name in ("__typename", "id"):  # the primary key is always read
            continue
        field = _field(graphql_type, name)
        if field is None:
            return False
        if isinstance(field, ModelField) and field.is_basic_field:
            column = field.django_name or field.python_name
            if not prefix and column in annotations:
                continue  # computed by the queryset itself
            if not _is_column(model, column):
                return False
            columns.add(prefix + column)
            continue
        paths = getattr(field, "reads", None)
        if paths is None:
            return False
        for path in paths:
            column = _column(model, tree, path)
            if column is None:
                return False
            if column:
                columns.add(prefix + column)
        follows = getattr(field, "follows", None)
        if follows:
            subtree = tree.get(follows)
            if subtree is None:  # read by a loader: only the key is needed here, if any
                if model._meta.get_field(follows).concrete:
                    columns.add(prefix + follows)
                continue
            related = get_nullable_type(graphql_type.fields[name].type)
            if not isinstance(related, GraphQLObjectType):
                return False
            related_model = model._meta.get_field(follows).related_model
            if not _collect(
                related,
                selection.selections,
                related_model,
                subtree,
                f"{prefix}{follows}__",
                columns,
                {},
            ):
                return False
    return True


def _column(model, tree, path: str) -> str | None:
    """The `only()` name for a path a resolver reads ('' when nothing of this row; None when
    the path is not the model's)."""
    hops = path.split("__")
    current, subtree = model, tree
    for index, hop in enumerate(hops[:-1]):
        try:
            relation = current._meta.get_field(hop)
        except FieldDoesNotExist:
            return None
        if hop not in subtree:  # not with the row: a loader reads it
            return hop if index == 0 and relation.many_to_one else ""
        current, subtree = relation.related_model, subtree[hop]
    last = hops[-1]
    try:
        field = current._meta.get_field(last)
    except FieldDoesNotExist:
        return None
    if field.is_relation:
        if last in subtree:
            return "__".join([*hops, field.related_model._meta.pk.name])
        return path if field.many_to_one else None
    return path if field.concrete else None


def _is_column(model, name: str) -> bool:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return field.concrete and not field.is_relation


def _keep_relations(model, tree: dict, prefix: str, columns: set[str]) -> None:
    """Every relation selected with the row needs one of its columns named (Django refuses a
    relation both deferred and traversed): its primary key when nothing else of it is."""
    for name, subtree in tree.items():
        related = model._meta.get_field(name).related_model
        path = f"{prefix}{name}__"
        if not any(column.startswith(path) for column in columns):
            columns.add(path + related._meta.pk.name)
        _keep_relations(related, subtree, path, columns)
