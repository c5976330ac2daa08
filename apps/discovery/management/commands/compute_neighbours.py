"""`manage.py compute_neighbours [--incremental] [--since ISO]`: precompute book neighbours."""

from datetime import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from apps.discovery import neighbours


class Command(BaseCommand):
    help = (
        "Precompute each book's most similar books (item-item collaborative filtering) for "
        "recommendations. Full by default; --incremental refreshes only the books whose ratings "
        "or shelves changed since the last run (or --since)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--incremental", action="store_true", help="Only changed books.")
        parser.add_argument("--since", help="With --incremental: changes since this ISO time.")
        parser.add_argument(
            "--neighbours",
            dest="k",
            type=int,
            default=None,
            help="Neighbours kept per book (default: RECOMMENDATIONS_NEIGHBOURS).",
        )

    def handle(self, *args, incremental, since, k: int | None, **options):
        k = k or settings.RECOMMENDATIONS_NEIGHBOURS
        if k < 1:
            raise CommandError("--neighbours must be at least 1.")
        if since and not incremental:
            raise CommandError("--since goes with --incremental.")
        if incremental:
            start = _parse_since(since) if since else None
            books = neighbours.refresh_changed(k, start)
            self.stdout.write(f"refreshed the neighbours of {books} changed book(s)")
        else:
            bar = lambda blocks: tqdm(blocks, desc="blocks", disable=options["verbosity"] < 1)  # noqa: E731
            books = neighbours.compute_all(k, progress=bar)
            self.stdout.write(f"computed neighbours for {books} book(s)")


def _parse_since(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--since: not an ISO date-time: {value!r}") from None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
