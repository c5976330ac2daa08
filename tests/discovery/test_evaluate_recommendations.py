"""`manage.py evaluate_recommendations` on a small synthetic ratings file (the Book-Crossing
run is a benchmark: bench/recommendations.py)."""

import json
import random
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.discovery import cf


def write_ratings(path, *, readers=60, seed=1):
    """Two tastes: each reader rates 6 of their taste's 10 books high and 2 others low; ids
    are opaque strings (ISBN-like), ratings on a 1–10 scale."""
    rng = random.Random(seed)
    rows = ["user_id,book_id,rating"]
    for reader in range(readers):
        taste = "A" if reader % 2 else "B"
        other = "B" if taste == "A" else "A"
        for book in rng.sample(range(10), 6):
            rows.append(f"u{reader},{taste}-{book:03d}X,{rng.choice([8, 9, 10])}")
        for book in rng.sample(range(10), 2):
            rows.append(f"u{reader},{other}-{book:03d}X,{rng.choice([1, 2, 3])}")
    # A blockbuster everybody rated middling: popular, rarely "liked".
    rows += [f"u{reader},HIT,{7}" for reader in range(readers)]
    path.write_text("\n".join(rows) + "\n")
    return path


def run(*args) -> str:
    out = StringIO()
    call_command("evaluate_recommendations", *args, stdout=out)
    return out.getvalue()


def test_evaluation_reports_both_side_by_side(tmp_path):
    output = run(str(write_ratings(tmp_path / "ratings.csv")))
    assert "60 readers evaluated" in output
    assert "liked = rating >= 8" in output  # 80 % of the file's own top rating (10)
    lines = {line.split()[0]: line.split()[1:] for line in output.splitlines()[2:]}
    assert set(lines) == {"recommender", "popularity"}


def test_the_recommender_beats_popularity_on_taste_clusters(tmp_path):
    figures = json.loads(run(str(write_ratings(tmp_path / "ratings.csv")), "--json"))
    assert figures["evaluated_readers"] == 60
    assert figures["recommender"]["hit_rate_at_10"] > figures["popularity"]["hit_rate_at_10"]
    assert 0 < figures["recommender"]["ndcg_at_10"] <= figures["recommender"]["hit_rate_at_10"]


def test_readers_with_too_few_ratings_are_left_out(tmp_path):
    figures = json.loads(
        run(str(write_ratings(tmp_path / "ratings.csv")), "--json", "--min-ratings", "10")
    )
    assert figures["evaluated_readers"] == 0


def test_a_file_without_the_columns_is_refused(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("reader,isbn,stars\n1,2,3\n")
    with pytest.raises(CommandError, match="missing column"):
        run(str(path))
    with pytest.raises(CommandError, match="no such file"):
        run(str(tmp_path / "absent.csv"))


def test_recommend_gives_the_strongest_contributor_as_reason():
    # Books 0 and 1 are liked together by readers 0-2; books 0 and 2 by reader 3 only.
    matrix = cf.interaction_matrix(
        [0, 0, 1, 1, 2, 2, 3, 3], [0, 1, 0, 1, 0, 1, 0, 2], [1.0] * 8, (4, 4)
    )
    neighbours = cf.item_neighbours(matrix, k=5)
    found = cf.recommend(neighbours, {0: 1.0}, exclude=set(), n=5)
    assert [c.item for c in found] == [1, 2]
    assert all(c.because_of == 0 for c in found)
    assert found[0].score > found[1].score


def test_recommend_names_the_liked_book_that_contributes_most():
    from scipy import sparse

    # Candidate 5 is near liked book 1 (0.2) and liked book 2 (0.9); candidate 6 near 1 only.
    neighbours = sparse.csr_matrix(([0.2, 0.3, 0.9], ([1, 1, 2], [5, 6, 5])), shape=(8, 8))
    found = cf.recommend(neighbours, {1: 1.0, 2: 1.0}, exclude=set(), n=5)
    assert [(c.item, c.because_of) for c in found] == [(5, 2), (6, 1)]
    assert found[0].score == pytest.approx(1.1)
    assert cf.recommend(neighbours, {1: 1.0, 2: 1.0}, exclude={5}, n=5)[0].item == 6
