"""Queue the day's reminder emails: run it once a day from the scheduler.

    python manage.py send_reminders [--now]

Running it again the same day queues nothing twice. ``--now`` sends in this
process instead of queueing for a task worker (with the console email
backend, each email is printed).
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from assessments.reminders import record_reminders, send_now


class Command(BaseCommand):
    help = "Queue the day's reminder emails (deadlines, and each week's actions due); safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true",
                            help="Send them in this process instead of queueing them for a task worker.")

    def handle(self, *args, now: bool, **options):
        today = timezone.localdate()
        new = record_reminders(today=today, queue=not now)
        summary = f"Sent {send_now(new)}" if now else f"Queued {len(new)}"
        if options["verbosity"] > 0:
            self.stdout.write(f"{summary} reminder emails for {today:%d %B %Y}.")
