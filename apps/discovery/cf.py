"""Item-to-item collaborative filtering: the one implementation behind `compute_neighbours`
(neighbours stored in `BookNeighbour`) and `evaluate_recommendations` (in memory).

Readers are rows and books columns of a sparse matrix of positive signals (a liked rating, a
book on the read shelf …). Two books are neighbours when the same readers like both: the cosine
of their columns, shrunk towards 0 when few readers have both (`common / (common + SHRINK)`), so
that two books sharing one reader do not look identical. Each book keeps its `k` best neighbours.
A reader's candidates are the neighbours of the books they liked, each scored by the sum of its
similarities; the liked book contributing most is the reason given ("because you liked …").
"""

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy import sparse

DEFAULT_K = 50
SHRINK = 5.0
CHUNK = 4096  # books per block of the product: bounds memory on large catalogues


def interaction_matrix(users, items, weights, shape: tuple[int, int]) -> sparse.csr_matrix:
    """Readers × books, summing duplicate (reader, book) signals."""
    matrix = sparse.csr_matrix(
        (np.asarray(weights, dtype=np.float64), (np.asarray(users), np.asarray(items))),
        shape=shape,
    )
    matrix.sum_duplicates()
    return matrix


def column_norms(matrix: sparse.csr_matrix) -> np.ndarray:
    return np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=0)).ravel())


def item_neighbours(
    matrix: sparse.csr_matrix,
    *,
    k: int = DEFAULT_K,
    columns: Iterable[int] | None = None,
    norms: np.ndarray | None = None,
    progress=None,
) -> sparse.csr_matrix:
    """Books × books: row `b` holds the `k` best neighbours of book `b` (for `columns` only,
    all books by default), scored by shrunk cosine similarity.

    `norms` (column norms over *all* readers) lets a caller pass only the readers who touched
    `columns` (an incremental refresh): their rows hold every co-occurrence of those books.
    """
    n_items = matrix.shape[1]
    norms = column_norms(matrix) if norms is None else norms
    csc = matrix.tocsc()
    binary = csc.copy()
    binary.data[:] = 1.0
    columns = np.arange(n_items) if columns is None else np.fromiter(columns, dtype=np.int64)
    blocks = []
    starts = range(0, len(columns), CHUNK)
    for start in progress(starts) if progress else starts:
        block = columns[start : start + CHUNK]
        co = (csc[:, block].T @ csc).tocsr()  # block books × all books: Σ weight products
        common = (binary[:, block].T @ binary).tocsr()  # … and how many readers have both
        co.sort_indices()
        common.sort_indices()  # same sparsity as `co` (weights are positive): aligned data
        rows = np.repeat(np.arange(len(block)), np.diff(co.indptr))
        cols, dots, together = co.indices, co.data, common.data
        keep = block[rows] != cols
        rows, cols, dots, together = rows[keep], cols[keep], dots[keep], together[keep]
        denominator = norms[block[rows]] * norms[cols]
        scores = dots / np.where(denominator > 0, denominator, 1.0) * together / (together + SHRINK)
        blocks.append(_top_k(block[rows], cols, scores, k))
    if not blocks:
        return sparse.csr_matrix((n_items, n_items))
    rows = np.concatenate([b[0] for b in blocks])
    cols = np.concatenate([b[1] for b in blocks])
    scores = np.concatenate([b[2] for b in blocks])
    return sparse.csr_matrix((scores, (rows, cols)), shape=(n_items, n_items))


def _top_k(rows: np.ndarray, cols: np.ndarray, scores: np.ndarray, k: int):
    """The `k` highest-scoring (row, col) pairs of each row; ties broken by column."""
    positive = scores > 0
    rows, cols, scores = rows[positive], cols[positive], scores[positive]
    order = np.lexsort((cols, -scores, rows))
    rows, cols, scores = rows[order], cols[order], scores[order]
    if len(rows) == 0:
        return rows, cols, scores
    first = np.r_[0, np.flatnonzero(np.diff(rows)) + 1]
    rank = np.arange(len(rows)) - np.repeat(first, np.diff(np.r_[first, len(rows)]))
    keep = rank < k
    return rows[keep], cols[keep], scores[keep]


@dataclass(frozen=True)
class Candidate:
    item: int
    score: float
    because_of: int


def recommend(
    neighbours: sparse.csr_matrix,
    liked: dict[int, float],
    exclude: set[int],
    n: int,
) -> list[Candidate]:
    """The `n` best books for a reader who liked `liked` (book → weight), skipping `exclude`."""
    if not liked:
        return []
    sources = np.fromiter(liked, dtype=np.int64)
    weights = np.fromiter(liked.values(), dtype=np.float64)
    block = neighbours[sources]
    if block.nnz == 0:
        return []
    counts = np.diff(block.indptr)
    source_of = np.repeat(sources, counts)
    contribution = block.data * np.repeat(weights, counts)
    items, inverse = np.unique(block.indices, return_inverse=True)
    scores = np.bincount(inverse, weights=contribution, minlength=len(items))
    # The reason: the liked book that contributes most to each candidate.
    # Sorted by candidate, then contribution: each candidate's last entry is its strongest.
    order = np.lexsort((contribution, inverse))
    last = np.r_[np.flatnonzero(np.diff(inverse[order])), len(order) - 1]
    reason = source_of[order][last]
    ranked = np.lexsort((items, -scores))
    found = []
    for position in ranked:
        item = int(items[position])
        if item in exclude or item in liked:
            continue
        found.append(Candidate(item, float(scores[position]), int(reason[position])))
        if len(found) == n:
            break
    return found
