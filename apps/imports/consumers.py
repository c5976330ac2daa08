"""The import worker: `python manage.py runworker imports` runs the jobs sent to the channel.

With REDIS_URL (IMPORT_RUNNER=worker) the server only queues a job; any number of worker
processes take jobs from the `imports` channel, one at a time each. A job a worker was running
when it died is resumed by the sweep, which `python manage.py import_worker` (runworker plus a
sweeper thread; the compose `worker` service) runs on start and periodically.
"""

from channels.consumer import SyncConsumer

from apps.imports.jobs import IMPORT_LAYER, run_job


class ImportWorker(SyncConsumer):
    """Handles `{"type": "import.run", "job_id": …}` messages of the `imports` channel."""

    channel_layer_alias = IMPORT_LAYER

    def import_run(self, message: dict) -> None:
        # SyncConsumer closes stale database connections around each message.
        run_job(int(message["job_id"]))

    def personal_export_run(self, message: dict) -> None:
        """`{"type": "personal_export.run", "export_id": …}`: a reader's data export, queued
        on the same channel (apps/accounts/personal_export.py)."""
        from apps.accounts.personal_export import run_personal_export

        run_personal_export(int(message["export_id"]))
