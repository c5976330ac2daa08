"""What an operation costs, computed before it runs from its document and its variables.

The model (documented in README, "Query limits and cost"):

- A scalar or enum field costs 0: it comes with its object.
- An object field, or a list of objects, costs 1 (one fetch, however many rows), plus what is
  selected inside it.
- A connection (`edges`/`pageInfo`) multiplies what its `edges` select by its page size:
  `first` or `last`, and when neither is given, `DEFAULT_PAGE_SIZE` (a connection without them
  returns every row, so the cost assumes a full page; see README). Each node costs 1;
  `pageInfo` is free.
- A list of objects whose size is known costs 1 per item, plus what each item selects, on top
  of the field's own cost: paginated lists (`first` or `limit`: `similarBooks`, `suggest`;
  their declared default when left out), `nodes(ids:)` (one per id), and the unpaginated lists
  sized in `LIST_SIZES`. An object field with a page size (`trendingBooks`) multiplies what it
  selects. Other lists (a book's authors or genres) count as one fetch.
- A mutation field costs `MUTATION_COST` plus what its payload selects.
- Expensive fields declare their own cost (instead of 1) in `FIELD_COSTS`.
- Introspection (`__schema`, `__type`, `__typename`) is free: graphql-core's
  MaxIntrospectionDepthRule already bounds it.

Fragments, inline fragments and aliases count like the fields they stand for; a field selected
twice counts twice and every branch of an abstract type counts (an upper bound).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    is_composite_type,
    is_list_type,
)
from graphql.execution.values import VariableValues, get_argument_values

# The cost of each top-level mutation field (plus what its payload selects).
MUTATION_COST = 10
# The page size assumed for a connection queried without `first`/`last` (Strawberry's
# `relay_max_results`, the most a connection gives with `first`).
DEFAULT_PAGE_SIZE = 100
# Arguments that set how many items a field returns.
PAGE_SIZE_ARGUMENTS = ("first", "last", "limit")
# Fields of a connection whose items are multiplied by its page size.
CONNECTION_ITEM_FIELDS = ("edges", "nodes")

# The assumed size of unpaginated lists that can be long (each item costs 1 plus its selection).
LIST_SIZES: dict[str, int] = {
    "Query.genres": 50,
    "Genre.children": 20,
    "Series.books": 20,
}

# Declared costs, by "Type.field" ("*.field": on any type), used instead of the default (1 for
# an object or list field, 0 for a scalar). Expensive fields: a full-text search, a ranking or a
# recommendation computes much more than one fetch. A page size still multiplies what is
# selected inside them.
FIELD_COSTS: dict[str, int] = {
    "Query.search": 10,
    "Query.suggest": 5,
    "Query.recommendedBooks": 10,
    "Query.trendingBooks": 5,
    "Query.popularBooks": 5,
    "Query.topRatedBooks": 5,
    "Query.readingStats": 5,
    "Book.similarBooks": 2,
    # A count is one more query; page info comes with the page.
    "*.totalCount": 1,
    "*.pageInfo": 0,
}


def declared_cost(type_name: str, field_name: str) -> int | None:
    """The cost `FIELD_COSTS` declares for a field, or None (the default applies)."""
    cost = FIELD_COSTS.get(f"{type_name}.{field_name}")
    return cost if cost is not None else FIELD_COSTS.get(f"*.{field_name}")


def is_connection(type_: Any) -> bool:
    """Whether a GraphQL type is a cursor connection (it has `edges` and `pageInfo`)."""
    fields = getattr(type_, "fields", None)
    return isinstance(type_, GraphQLObjectType) and "edges" in fields and "pageInfo" in fields


@dataclass
class PageSize:
    """A page-size argument as given: `books(first:)` = 500."""

    coordinate: str  # "books(first:)"
    value: int
    node: FieldNode


@dataclass
class CostAnalysis:
    """An operation's cost, and every page-size argument it gives (for the page-size limit)."""

    cost: int = 0
    page_sizes: list[PageSize] = field(default_factory=list)


class CostCalculator:
    """Computes the cost of one operation of a validated document, with its coerced variables."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: VariableValues | None,
        default_page_size: int = DEFAULT_PAGE_SIZE,
    ):
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.default_page_size = default_page_size
        self.page_sizes: list[PageSize] = []
        # A fragment's cost depends only on the page size of the connection it is spread in
        # (if right inside one): computed once per size, so fragments that spread each other
        # many times cannot make the computation explode.
        self._fragment_costs: dict[tuple[str, int | None], int] = {}
        self._expanding: set[str] = set()

    def operation(self, operation: OperationDefinitionNode) -> CostAnalysis:
        root = self.schema.get_root_type(operation.operation)
        if root is None:
            return CostAnalysis()
        cost = self.selection_set(operation.selection_set, root, item_multiplier=None)
        return CostAnalysis(cost=cost, page_sizes=self.page_sizes)

    def selection_set(
        self, selection_set: SelectionSetNode | None, parent: Any, item_multiplier: int | None
    ) -> int:
        if selection_set is None or not is_composite_type(parent):
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                cost = self.field(selection, parent)
                if item_multiplier is not None and selection.name.value in CONNECTION_ITEM_FIELDS:
                    cost *= item_multiplier
                total += cost
            elif isinstance(selection, InlineFragmentNode):
                condition = parent
                if selection.type_condition is not None:
                    condition = self.schema.get_type(selection.type_condition.name.value)
                total += self.selection_set(selection.selection_set, condition, item_multiplier)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value, parent, item_multiplier)
        return total

    def fragment(self, name: str, parent: Any, item_multiplier: int | None) -> int:
        definition = self.fragments.get(name)
        if definition is None or name in self._expanding:
            return 0  # an unknown or cyclic fragment: validation reports it
        key = (name, item_multiplier)
        if key not in self._fragment_costs:
            self._expanding.add(name)
            try:
                condition = self.schema.get_type(definition.type_condition.name.value)
                self._fragment_costs[key] = self.selection_set(
                    definition.selection_set, condition, item_multiplier
                )
            finally:
                self._expanding.discard(name)
        return self._fragment_costs[key]

    def field(self, node: FieldNode, parent: Any) -> int:
        name = node.name.value
        if name.startswith("__"):
            return 0  # introspection
        definition: GraphQLField | None = getattr(parent, "fields", {}).get(name)
        if definition is None:
            return 0
        arguments = self.arguments(definition, node)
        named = get_named_type(definition.type)
        declared = declared_cost(parent.name, name)
        size = self.page_size(parent, name, arguments, node)
        if not is_composite_type(named):
            return declared or 0
        if declared is not None:
            base = declared
        elif parent is self.schema.mutation_type:
            base = MUTATION_COST
        elif is_connection(parent) and name == "edges":
            base = 0  # an edge comes with the page; its node costs 1
        elif is_connection(parent) and name == "nodes":
            base = 1  # the node itself (multiplied by the page size)
        else:
            base = 1
        if is_connection(named):
            connection_size = size if size is not None else self.default_page_size
            return base + self.selection_set(node.selection_set, named, connection_size)
        children = self.selection_set(node.selection_set, named, None)
        is_list = is_list_type(get_nullable_type(definition.type))
        items = size
        if items is None and is_list and isinstance(arguments.get("ids"), list):
            items = len(arguments["ids"])  # nodes(ids:): one object per id
        if items is None:
            items = LIST_SIZES.get(f"{parent.name}.{name}")
        if items is None:
            return base + children
        return base + items * (int(is_list) + children)

    def arguments(self, definition: GraphQLField, node: FieldNode) -> dict[str, Any]:
        if not definition.args:
            return {}
        try:
            return get_argument_values(definition, node, self.variables)
        except (GraphQLError, TypeError, ValueError):
            return {}  # bad input: execution reports it, nothing runs

    def page_size(
        self, parent: Any, name: str, arguments: Mapping[str, Any], node: FieldNode
    ) -> int | None:
        """The field's page size (the smallest of `first`/`last`/`limit` given), or None."""
        sizes = []
        for argument in PAGE_SIZE_ARGUMENTS:
            value = arguments.get(argument)
            if isinstance(value, int) and not isinstance(value, bool):
                self.page_sizes.append(PageSize(f"{parent.name}.{name}({argument}:)", value, node))
                sizes.append(max(value, 0))
        return min(sizes) if sizes else None


def operation_cost(
    schema: GraphQLSchema,
    fragments: Mapping[str, FragmentDefinitionNode],
    operation: OperationDefinitionNode,
    variables: VariableValues | None,
    default_page_size: int = DEFAULT_PAGE_SIZE,
) -> CostAnalysis:
    """The cost of `operation` (of a validated document) with its coerced `variables`
    (graphql-core's `get_variable_values`; None: none usable), and the page-size arguments it
    gives."""
    return CostCalculator(schema, fragments, variables, default_page_size).operation(operation)
