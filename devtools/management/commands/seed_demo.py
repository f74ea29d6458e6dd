"""Create the demo data: organisations, logins and assessments in every state.

    python manage.py seed_demo [--national] [--force]

Run ``load_framework`` first. Running it again creates only what is missing,
and says what it created and what it found. It ends with a table of the demo
logins, which all share one published password: so with DEBUG off (a real
site, as far as it can tell) it refuses unless given ``--force``.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from devtools.demo.answers import FrameworkMissing, require_framework
from devtools.demo.demo_set import seed
from devtools.demo.emails import discard_made_up_history
from devtools.demo.national import seed_national
from devtools.demo.people import DEMO_PASSWORD, logins


class Command(BaseCommand):
    help = "Create demo organisations, logins (one shared password) and assessments; safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--national", action="store_true",
            help="Also create England's scale for benchmarks: 10 SHAs, 152 PCTs, three cycles "
                 "(2007/08 to 2009/10), every assessment submitted.",
        )
        parser.add_argument(
            "--force", action="store_true",
            help="Create the demo logins, with their published password, even though DEBUG is off.",
        )

    def handle(self, *args, national: bool, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this may be a real site, and the demo logins all share the "
                f"published password “{DEMO_PASSWORD}”. Nothing was created. Run it with "
                "DEBUG=1 on a development machine, or add --force if you really want demo "
                "logins here."
            )
        try:
            require_framework()
        except FrameworkMissing as error:
            raise CommandError(f"{error} Run `python manage.py load_framework` first.") from None
        verbose = options["verbosity"] > 0
        started = timezone.now()
        log = self.stdout.write if verbose else (lambda line: None)
        log("Demo set:")
        seed(log=lambda line: log(f"  {line}"))
        if national:
            log("England's scale:")
            seed_national(log=lambda line: log(f"  {line}"))
        discard_made_up_history(since=started)
        if verbose:
            self._print_logins()

    def _print_logins(self) -> None:
        header = ("username", "role", "organisation", "password")
        rows = logins()
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

        def line(cells) -> str:
            return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip()

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo logins"))
        self.stdout.write(line(header))
        self.stdout.write(line("-" * width for width in widths))
        for row in rows:
            self.stdout.write(line(row))
