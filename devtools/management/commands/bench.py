"""Measure the site's speed on demo data, in a throwaway database.

    python manage.py bench [--quick] [--no-national] [--repeat N] [--only APP ...]

The configured database is never touched: see ``devtools.bench``, which also
says what the figures are and how they are printed.
"""

import argparse

from django.core.management.base import BaseCommand, CommandError

from devtools.bench import DEFAULT_REPEAT, QUICK_REPEAT, measure, measured_apps, throwaway_database


class Command(BaseCommand):
    help = "Print speed figures measured on demo data in a throwaway database (the configured one is untouched)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--quick", action="store_true",
            help=f"Quicker and rougher: {QUICK_REPEAT} repetitions, no national data.",
        )
        parser.add_argument(
            "--national", action=argparse.BooleanOptionalAction, default=None,
            help="Seed England's scale (152 PCTs, about a minute): on by default, off with --quick. "
                 "Figures comparing PCTs need it.",
        )
        parser.add_argument(
            "--repeat", type=int, default=None,
            help=f"Repetitions of each timed figure (default {DEFAULT_REPEAT}; {QUICK_REPEAT} with --quick).",
        )
        parser.add_argument(
            "--only", nargs="+", metavar="APP",
            help="Only these apps' figures, by app label (e.g. assessments reports).",
        )

    def handle(self, *args, quick: bool, national: bool | None, repeat: int | None,
               only: list[str] | None, **options):
        if repeat is not None and repeat < 1:
            raise CommandError("--repeat must be at least 1.")
        national = not quick if national is None else national
        repeat = repeat or (QUICK_REPEAT if quick else DEFAULT_REPEAT)
        self._check_apps(only)
        # Progress goes to standard error, plain: standard output is for figures only.
        def progress(line: str) -> None:
            if options["verbosity"]:
                self.stderr.write(line, style_func=str)

        with throwaway_database(progress=progress):
            failures = measure(
                out=self.stdout, err=self.stderr, national=national, quick=quick, repeat=repeat,
                only=only, progress=progress,
            )
        if failures:
            raise CommandError(f"{failures} figure(s) failed; see the errors above.")

    @staticmethod
    def _check_apps(only: list[str] | None) -> None:
        labels = [c.label for c in measured_apps()]
        unknown = sorted(set(only or []) - set(labels))
        if unknown:
            raise CommandError(f"No app called {', '.join(unknown)} here; the apps are {', '.join(labels)}.")
