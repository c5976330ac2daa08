"""Impressions loaders: books' community traits, batched."""

from apps.impressions.traits import Traits, book_traits
from schema.loaders import Loader


class TraitsByBookIdLoader(Loader[int, Traits]):
    def batch_load(self, keys):
        found = book_traits(list(keys))
        return [found[key] for key in keys]
