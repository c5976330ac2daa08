"""Catalogue mutations (librarians only), one module per group, merged into one root type."""

from strawberry.tools import merge_types

from schema.catalog.mutations.authors import AuthorMutation
from schema.catalog.mutations.books import BookMutation
from schema.catalog.mutations.editions import EditionMutation
from schema.catalog.mutations.merge import MergeMutation

CatalogMutation = merge_types(
    "CatalogMutation", (BookMutation, EditionMutation, AuthorMutation, MergeMutation)
)
