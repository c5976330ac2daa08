"""Offline evaluation of the recommender on a ratings file `user_id,book_id,rating`.

Protocol (leave-one-out): for every reader with at least `min_ratings` ratings and one liked book,
one liked rating, drawn at random (seeded), is held out; the item-item model (`cf`, the same code
as `compute_neighbours`) is trained in memory on every other rating; each reader then gets 10
books, none of which they rated in training. A hit is the held-out book among them; NDCG@10
rewards it by its rank (1/log2(rank + 1)). The popularity baseline recommends the most-liked
books of the training set the reader has not rated. The recommender, like `recommendedBooks`,
fills the places collaborative filtering leaves empty with the popular books.

"Liked" is a rating of at least 80 % of the file's highest rating: 4 on a 0.5–5 scale, 8 on 1–10.
"""

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from apps.discovery import cf

LIKED_SHARE = 0.8
TOP_N = 10


@dataclass
class Ratings:
    users: np.ndarray  # reader index per rating
    items: np.ndarray  # book index per rating
    values: np.ndarray
    n_users: int
    n_items: int
    liked_threshold: float


def read_ratings(path: Path) -> Ratings:
    """The file as arrays; ids are opaque strings, numbered in order of appearance."""
    user_codes: dict[str, int] = {}
    item_codes: dict[str, int] = {}
    users, items, values = [], [], []
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {"user_id", "book_id", "rating"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        for row in reader:
            users.append(user_codes.setdefault(row["user_id"], len(user_codes)))
            items.append(item_codes.setdefault(row["book_id"], len(item_codes)))
            values.append(float(row["rating"]))
    values_array = np.asarray(values, dtype=np.float64)
    top = float(values_array.max()) if len(values_array) else 0.0
    return Ratings(
        np.asarray(users, dtype=np.int64),
        np.asarray(items, dtype=np.int64),
        values_array,
        len(user_codes),
        len(item_codes),
        LIKED_SHARE * top,
    )


@dataclass
class Scores:
    hits: int = 0
    dcg: float = 0.0

    def add(self, recommended: list[int], held_out: int) -> None:
        if held_out in recommended:
            self.hits += 1
            self.dcg += 1.0 / np.log2(recommended.index(held_out) + 2)

    def figures(self, users: int) -> dict[str, float]:
        return {
            "hit_rate_at_10": round(self.hits / users, 4) if users else 0.0,
            "ndcg_at_10": round(float(self.dcg) / users, 4) if users else 0.0,
        }


def evaluate(
    ratings: Ratings,
    *,
    min_ratings: int = 5,
    k: int = cf.DEFAULT_K,
    seed: int = 42,
    progress: Callable | None = None,
) -> dict:
    """Hit-rate@10 and NDCG@10 of the recommender and of the popularity baseline."""
    rng = np.random.default_rng(seed)
    liked = ratings.values >= ratings.liked_threshold
    per_user = np.bincount(ratings.users, minlength=ratings.n_users)
    # One held-out liked rating per eligible reader: shuffle, then keep each reader's first.
    candidates = np.flatnonzero(liked & (per_user[ratings.users] >= min_ratings))
    candidates = candidates[rng.permutation(len(candidates))]
    _, first = np.unique(ratings.users[candidates], return_index=True)
    held_out = candidates[first]
    train = np.ones(len(ratings.values), dtype=bool)
    train[held_out] = False

    train_liked = train & liked
    matrix = cf.interaction_matrix(
        ratings.users[train_liked],
        ratings.items[train_liked],
        np.ones(int(train_liked.sum())),
        (ratings.n_users, ratings.n_items),
    )
    neighbours = cf.item_neighbours(matrix, k=k)
    popularity = np.bincount(ratings.items[train_liked], minlength=ratings.n_items)
    popular = [int(i) for i in np.lexsort((np.arange(ratings.n_items), -popularity))[:1000]]

    order = np.argsort(ratings.users[train], kind="stable")
    train_users, train_items = ratings.users[train][order], ratings.items[train][order]
    train_is_liked = liked[train][order]
    bounds = np.searchsorted(train_users, np.arange(ratings.n_users + 1))

    recommender, baseline = Scores(), Scores()
    held = list(
        zip(ratings.users[held_out].tolist(), ratings.items[held_out].tolist(), strict=True)
    )
    for user, item in progress(held) if progress else held:
        start, end = bounds[user], bounds[user + 1]
        rated = set(train_items[start:end].tolist())
        liked_items = {int(i): 1.0 for i in train_items[start:end][train_is_liked[start:end]]}
        fill = _fill(popular, rated)
        baseline.add(fill, item)
        found = [c.item for c in cf.recommend(neighbours, liked_items, rated, TOP_N)]
        recommender.add((found + [i for i in fill if i not in found])[:TOP_N], item)
    users = len(held)
    return {
        "ratings": len(ratings.values),
        "readers": ratings.n_users,
        "books": ratings.n_items,
        "evaluated_readers": users,
        "min_ratings": min_ratings,
        "liked_threshold": ratings.liked_threshold,
        "neighbours_per_book": k,
        "recommender": recommender.figures(users),
        "popularity": baseline.figures(users),
    }


def _fill(popular: list[int], rated: set[int]) -> list[int]:
    return [i for i in popular if i not in rated][:TOP_N]
