"""The shape limits of a document, measured before it is validated: depth and aliases.

Both walk one operation, following fragment spreads (each fragment is measured once, so
fragments that spread each other many times cannot make the walk explode; a cyclic or unknown
fragment counts as empty and validation reports it). Introspection fields (`__schema`,
`__type`) do not count towards the depth: the standard introspection query nests `ofType` far
deeper than any real query, and graphql-core's MaxIntrospectionDepthRule bounds it instead.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)


@dataclass(frozen=True)
class Shape:
    """How deep an operation nests fields (`{ a { b } }` is 2) and how many aliases it uses
    (an alias inside a fragment counts once per spread)."""

    depth: int
    aliases: int


class ShapeMeter:
    """Measures operations of one document (fragments measured once, then remembered)."""

    def __init__(self, fragments: Mapping[str, FragmentDefinitionNode]):
        self.fragments = fragments
        self._measured: dict[str, Shape] = {}
        self._expanding: set[str] = set()

    def operation(self, operation: OperationDefinitionNode) -> Shape:
        return self.selection_set(operation.selection_set)

    def selection_set(self, selection_set: SelectionSetNode | None) -> Shape:
        depth = aliases = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                inner = self.selection_set(selection.selection_set)
                aliases += inner.aliases + (selection.alias is not None)
                if not selection.name.value.startswith("__"):  # introspection: no depth
                    depth = max(depth, 1 + inner.depth)
            elif isinstance(selection, InlineFragmentNode):
                inner = self.selection_set(selection.selection_set)
                depth = max(depth, inner.depth)
                aliases += inner.aliases
            elif isinstance(selection, FragmentSpreadNode):
                inner = self.fragment(selection.name.value)
                depth = max(depth, inner.depth)
                aliases += inner.aliases
        return Shape(depth, aliases)

    def fragment(self, name: str) -> Shape:
        if name in self._measured:
            return self._measured[name]
        definition = self.fragments.get(name)
        if definition is None or name in self._expanding:
            return Shape(0, 0)
        self._expanding.add(name)
        try:
            shape = self.selection_set(definition.selection_set)
        finally:
            self._expanding.discard(name)
        self._measured[name] = shape
        return shape


def fragments_of(document) -> dict[str, FragmentDefinitionNode]:
    """The document's fragment definitions, by name (the first of a duplicated name)."""
    fragments: dict[str, FragmentDefinitionNode] = {}
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode):
            fragments.setdefault(definition.name.value, definition)
    return fragments


def measure(document, operation: OperationDefinitionNode) -> Shape:
    """The depth and alias count of one operation of a (parsed, not yet validated) document."""
    return ShapeMeter(fragments_of(document)).operation(operation)
