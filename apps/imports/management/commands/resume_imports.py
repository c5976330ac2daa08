"""`python manage.py resume_imports`: resume (or fail) the import jobs nobody is running.

Run when import workers start (the compose `worker` service does) and from cron if you like;
with the thread runner it resumes the jobs a restarted server left behind.
"""

from django.core.management.base import BaseCommand

from apps.imports.jobs import sweep_stale_jobs


class Command(BaseCommand):
    help = "Resume import jobs whose runner stopped (stale heartbeat), or end them as failed."

    def handle(self, *args, **options):
        done = sweep_stale_jobs()
        for job_id, action in done:
            self.stdout.write(f"import {job_id}: {action}")
        self.stdout.write(f"{len(done)} stale import job(s) handled.")
