"""`manage.py evaluate_recommendations RATINGS_CSV`: offline evaluation (see `evaluation`)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from apps.discovery import cf, evaluation


class Command(BaseCommand):
    help = (
        "Evaluate the recommender on a ratings file `user_id,book_id,rating` (leave one liked "
        "book out per reader): hit-rate@10 and NDCG@10 against a popularity baseline. "
        "Trains in memory; the database is not touched."
    )

    def add_arguments(self, parser):
        parser.add_argument("ratings_csv", type=Path)
        parser.add_argument(
            "--min-ratings", type=int, default=5, help="Readers with fewer are left out."
        )
        parser.add_argument("--neighbours", type=int, default=cf.DEFAULT_K)
        parser.add_argument("--seed", type=int, default=42, help="Seed of the held-out draw.")
        parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")

    def handle(self, *args, ratings_csv: Path, min_ratings, neighbours, seed, **options):
        if not ratings_csv.is_file():
            raise CommandError(f"{ratings_csv}: no such file")
        try:
            ratings = evaluation.read_ratings(ratings_csv)
        except (ValueError, KeyError) as exc:
            raise CommandError(f"{ratings_csv}: {exc}") from None
        figures = evaluation.evaluate(
            ratings,
            min_ratings=min_ratings,
            k=neighbours,
            seed=seed,
            progress=lambda rows: tqdm(rows, desc="readers", mininterval=1, disable=None),
        )
        self.figures = figures  # for callers of call_command (the benchmark)
        if options["json"]:
            self.stdout.write(json.dumps(figures, indent=2))
            return
        self.stdout.write(
            f"{figures['evaluated_readers']} readers evaluated ({figures['ratings']} ratings, "
            f"{figures['books']} books; liked = rating >= {figures['liked_threshold']:g})"
        )
        self.stdout.write(f"{'':<14}{'hit-rate@10':>12}{'NDCG@10':>10}")
        for name in ("recommender", "popularity"):
            row = figures[name]
            self.stdout.write(f"{name:<14}{row['hit_rate_at_10']:>12.4f}{row['ndcg_at_10']:>10.4f}")
