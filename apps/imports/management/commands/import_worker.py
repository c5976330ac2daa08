"""`python manage.py import_worker`: an import worker process that also keeps jobs alive.

It is `runworker imports` (the Channels worker that runs the jobs queued on the `imports`
channel; see apps/imports/consumers.py) plus a sweeper thread: stale jobs are resumed (or
failed) when the worker starts and every `--sweep-every` seconds after, so a job whose worker
died is picked up again even when no worker restarts. Several such processes may run: a job
is only ever claimed by one runner.
"""

import logging
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections

from apps.imports.jobs import IMPORT_LAYER, sweep_stale_jobs

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run library imports from the `imports` channel, resuming stale jobs periodically."

    def add_arguments(self, parser):
        parser.add_argument(
            "--sweep-every",
            type=float,
            default=None,
            help="Seconds between sweeps for stale jobs (default: half of IMPORT_STALE_AFTER).",
        )

    def handle(self, *args, sweep_every=None, **options):
        interval = sweep_every or settings.IMPORT_STALE_AFTER / 2
        stop = threading.Event()
        sweeper = threading.Thread(
            target=self._sweep_until, args=(stop, interval), name="import-sweeper", daemon=True
        )
        sweeper.start()
        try:
            call_command("runworker", "imports", layer=IMPORT_LAYER)
        finally:
            stop.set()

    def _sweep_until(self, stop: threading.Event, interval: float) -> None:
        while True:
            try:
                for job_id, action in sweep_stale_jobs():
                    log.info("import %s: %s", job_id, action)
            except Exception:
                log.exception("sweeping stale imports failed; trying again later")
            finally:
                connections.close_all()  # the sweeper's own connection
            if stop.wait(interval):
                return
