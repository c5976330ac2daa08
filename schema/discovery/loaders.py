"""Discovery loaders: "readers also enjoyed" lists and authors, batched over a page."""

from apps.discovery.recommendations import similar_books
from schema.loaders import Loader

MAX_SIMILAR = 50


class SimilarBookIdsByBookIdLoader(Loader[int, list[int]]):
    """The best neighbours of each book (up to `MAX_SIMILAR`; fields slice them)."""

    def batch_load(self, keys):
        found = similar_books(list(keys), MAX_SIMILAR)
        return [found[key] for key in keys]
