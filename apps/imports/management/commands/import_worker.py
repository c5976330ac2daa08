"""`python manage.py import_worker`: an import worker process that also keeps jobs alive.

It is `runworker imports` (the Channels worker that runs the jobs queued on the `imports`
channel; see apps/imports/consumers.py) plus a sweeper thread: stale jobs are resumed (or
failed) when the worker starts and every `--sweep-every` seconds after, so a job whose worker
died is picked up again even when no worker restarts. Several such processes may run: a job
is only ever claimed by one runner.

SIGINT and SIGTERM stop it gracefully: the job under way is handed back to the queue after its
current batch commits (not left to go stale for IMPORT_STALE_AFTER), then the process exits.
"""

import logging
import signal
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections

from apps.imports.jobs import IMPORT_LAYER, request_stop, sweep_stale_jobs, wait_for_runs

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
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._stop)
        try:
            call_command("runworker", "imports", layer=IMPORT_LAYER)
        finally:
            stop.set()
            # Before the interpreter shuts down: the job's hand-back still needs the layers.
            wait_for_runs()

    @staticmethod
    def _stop(signum, frame) -> None:
        log.info("import worker: %s, stopping", signal.Signals(signum).name)
        request_stop()  # the job thread hands its job back after the current batch
        # Ends runworker's loop as Ctrl-C does; the process then waits for the job thread.
        raise KeyboardInterrupt

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
