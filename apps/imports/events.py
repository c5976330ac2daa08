"""Live progress of an import job for its owner (`importProgress`), published after commit."""

from apps.core.events import import_group, publish


def publish_import_progress(job) -> None:
    """Announce that `job`'s counters or state changed, after the caller's transaction commits.

    Call it from the import worker after saving a batch of rows and on every state change;
    subscribers re-read the job, so calling it more often than needed only costs a query each.
    """
    publish(import_group(job.pk), "import_progress", {"job_id": job.pk})
