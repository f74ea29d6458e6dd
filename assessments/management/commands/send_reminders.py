"""Queue the day's reminder emails: run it once a day from the scheduler.

    python manage.py send_reminders [--now]

Running it again the same day queues nothing twice. ``--now`` sends in this
process instead of queueing for a task worker (with the console email
backend, each email is printed).
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from assessments.reminders import queue_reminders


class Command(BaseCommand):
    help = "Queue the day's reminder emails (deadlines, and each week's actions due); safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true",
                            help="Send them in this process instead of queueing them for a task worker.")

    def handle(self, *args, now: bool, **options):
        today = timezone.localdate()
        reminders = queue_reminders(today=today, send_now=now)
        if options["verbosity"] > 0:
            done = "Sent" if now else "Queued"
            self.stdout.write(f"{done} {len(reminders)} reminder{'' if len(reminders) == 1 else 's'} "
                              f"for {today:%d %B %Y}.")
