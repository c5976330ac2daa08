"""`manage.py seed_demo`: builds the demo world (see apps/demo/world.py)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.catalog.models import Book
from apps.demo.cast import DEMO_PASSWORD, DEMO_USERNAME
from apps.demo.world import build_world
from apps.discovery.neighbours import compute_all
from apps.search.indexing import rebuild


class Command(BaseCommand):
    help = (
        "Builds a small, lively demo world: ~300 real books with authors and genres, a dozen "
        "readers with shelves, ratings, reviews, lists, follows, copies and reservations, and "
        "the staff login demo / booknest-demo. Re-running rebuilds the same world."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the database already has any book (what `make run` uses, so "
            "a database with real data is never touched).",
        )

    def handle(self, *args, **options):
        if options["if_empty"] and Book.objects.exists():
            self.stdout.write("seed_demo: the database already has books; nothing to do.")
            return
        started = time.perf_counter()
        counts = build_world()
        # The world is written in bulk, past the signals that keep these two in step.
        counts["search documents"] = sum(rebuild().values())
        counts["books with neighbours"] = compute_all(settings.RECOMMENDATIONS_NEIGHBOURS)
        elapsed = time.perf_counter() - started
        if options["verbosity"] < 1:
            return
        width = max(len(name) for name in counts)
        self.stdout.write(self.style.SUCCESS(f"Demo world built in {elapsed:.1f} s."))
        for name, count in counts.items():
            self.stdout.write(f"  {name:<{width}}  {count:>6}")
        self.stdout.write(
            f"Log in as {DEMO_USERNAME} / {DEMO_PASSWORD} (staff); every demo reader "
            f"(ada, ben, chloe, …) has the same password."
        )
