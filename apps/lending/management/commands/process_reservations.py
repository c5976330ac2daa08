"""`manage.py process_reservations`: expire unclaimed copies, send due-soon/overdue reminders."""

from django.core.management.base import BaseCommand

from apps.lending.jobs import process_reservations


class Command(BaseCommand):
    help = (
        "Run the periodic lending job (e.g. every 15 minutes from cron): ready reservations "
        "past their pickup deadline expire and pass to the next reader in line; loans due "
        "within two days, or overdue, get one reminder each."
    )

    def handle(self, *args, **options):
        done = process_reservations()
        self.stdout.write(
            f"expired {done.expired} (handed over {done.handed_over}), "
            f"due soon {done.due_soon}, overdue {done.overdue}"
        )
