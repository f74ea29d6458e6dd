"""What ``manage.py bench`` does: measure the site's speed on demo data, in a
throwaway database.

The configured database is never touched. Like the test runner, the command
creates a fresh database (``connection.creation.create_test_db``: in memory
for SQLite; ``bench_<name>`` on PostgreSQL, so that a test run's ``test_<name>``
is left alone), migrates it, loads the framework and the demo set, and, unless
``--no-national`` or ``--quick``, England's scale (10 SHAs, 152 PCTs, three
cycles: about 51,000 answers, a minute or so to seed). It destroys the database
at the end, whatever happens. Pages are requested in-process with Django's
test client and the configured settings, except that DEBUG is off (as in
production), static files are not hashed (nothing was collected) and plain
HTTP is not redirected to HTTPS.

Then it runs ``figures(context)`` from ``devtools/benchmarks/<app label>.py``
for each of the product's apps that has one (``assessments``, ``reports``;
``--only`` picks apps by label) and prints one line per figure on standard output, as ``name: value unit``
(``name: value`` when there is no unit). A figure that fails is reported on
standard error as ``name: error <reason>``; the others still run, and the
command exits non-zero at the end.

``figures(context)`` yields ``(name, value, unit)`` tuples. ``value`` is a
number, or a function of no arguments returning one: a function is called by
the bench, inside its error handling, so a module whose figures are functions
loses only the figure that failed. Values are printed as integers when they
are whole; with two decimals when the unit is empty (ratios), or two
significant figures for a ratio under 0.1; and with three significant figures
otherwise (seconds, megabytes).

``context`` (a ``BenchContext``) gives:

``board_member``, ``reviewer``, ``admin``
    Users: a board member of North Tyneside PCT, the reviewer of its SHA
    (North East), and the administrator (staff and superuser).
``assessment``
    A submitted assessment of the board member's PCT: all 112 questions
    answered, an action with owner and due date on every "No", evidence, the
    reviewer's level for every competency, started from the PCT's previous
    assessment.
``draft``
    A draft of the same PCT, all 112 questions answered, for figures about
    answering and saving.
``national``
    Whether England's scale was seeded (figures about comparing PCTs need it).
``quick``, ``repeat``
    ``--quick`` asks for a quick run: fewer repetitions, no national data.
    ``repeat`` is the repetitions a timed figure should use by default.
``client_for(user)``
    A ``django.test.Client`` logged in as ``user``, raising any exception a
    view raises (``raise_request_exception=True``).
``median_time(fn, repeat=None)``
    Calls ``fn`` once to warm up, then ``repeat`` times (``context.repeat`` by
    default; at most that many with ``--quick``), and returns the median
    wall-clock seconds of a call.
``median_times(*fns, repeat=None)``
    The same for several functions measured in turns (a, b, a, b, ...), so
    that a ratio of two is not skewed by the machine getting busier.
``count_queries(fn)``
    Calls ``fn`` once and returns how many SQL statements it ran, leaving out
    transaction control (BEGIN, COMMIT, SAVEPOINT and the like), which
    depends on whether the caller is already in a transaction, not on the page.
"""

import math
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import TextIO

from django.apps import AppConfig, apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from .demo.demo_set import benchmark_assessments, seed
from .demo.national import seed_national

# Each measured app's figures are in the module named for its label here.
FIGURES = "devtools.benchmarks"

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT", "END")
QUICK_REPEAT = 3
DEFAULT_REPEAT = 20
BOARD_MEMBER = "board.northtyneside"
REVIEWER = "reviewer.northeast"
ADMIN = "admin"


@dataclass
class BenchContext:
    board_member: object
    reviewer: object
    admin: object
    assessment: object
    draft: object
    national: bool
    quick: bool
    repeat: int

    def client_for(self, user) -> Client:
        client = Client(raise_request_exception=True)
        client.force_login(user)
        return client

    def _repeats(self, repeat: int | None) -> int:
        if repeat is None:
            return self.repeat
        return min(repeat, self.repeat) if self.quick else repeat

    def median_time(self, fn: Callable[[], object], repeat: int | None = None) -> float:
        return self.median_times(fn, repeat=repeat)[0]

    def median_times(self, *fns: Callable[[], object], repeat: int | None = None) -> list[float]:
        for fn in fns:
            fn()  # warm up: templates compiled, caches filled, connection open
        times: list[list[float]] = [[] for _ in fns]
        for _ in range(self._repeats(repeat)):
            for fn, spent in zip(fns, times):
                start = time.perf_counter()
                fn()
                spent.append(time.perf_counter() - start)
        return [statistics.median(spent) for spent in times]

    @staticmethod
    def count_queries(fn: Callable[[], object]) -> int:
        with CaptureQueriesContext(connection) as captured:
            fn()
        return sum(
            1 for query in captured.captured_queries
            if not query["sql"].lstrip().upper().startswith(TRANSACTION_CONTROL)
        )


def build_context(*, national: bool, quick: bool, repeat: int) -> BenchContext:
    """Seed the current database and describe what the figures may use.

    The database must be a throwaway one: this adds the demo set (and
    England's scale with ``national``) and two assessments of its own.
    """
    call_command("load_framework", verbosity=0)
    seed(log=lambda line: None)
    if national:
        seed_national(log=lambda line: None)
    users = get_user_model().objects.select_related("membership__organisation").in_bulk(
        [BOARD_MEMBER, REVIEWER, ADMIN], field_name="username"
    )
    assessment, draft = benchmark_assessments(
        board_member=users[BOARD_MEMBER], reviewer=users[REVIEWER]
    )
    return BenchContext(
        board_member=users[BOARD_MEMBER], reviewer=users[REVIEWER], admin=users[ADMIN],
        assessment=assessment, draft=draft, national=national, quick=quick, repeat=repeat,
    )


def measured_apps() -> list[AppConfig]:
    """The product's apps, in INSTALLED_APPS order: this project's apps (not
    Django's or third parties'), less the tooling itself."""
    base, environment = Path(settings.BASE_DIR).resolve(), Path(sys.prefix).resolve()
    tooling = apps.get_containing_app_config(__name__)
    return [
        config for config in apps.get_app_configs()
        # The virtual environment may live inside the project.
        if (path := Path(config.path).resolve()).is_relative_to(base) and not path.is_relative_to(environment)
        and config is not tooling
    ]


def benchmark_modules(only: list[str] | None = None) -> Iterator[tuple[str, ModuleType | Exception]]:
    """(app label, the module of its figures, or the error importing it) for
    each of the product's apps that has one."""
    for config in measured_apps():
        if only and config.label not in only:
            continue
        name = f"{FIGURES}.{config.label}"
        try:
            yield config.label, import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                yield config.label, error
        except Exception as error:  # a broken module must not hide the other apps' figures
            yield config.label, error


def format_value(value: float, unit: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"expected a number, got {value!r}")
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"expected a finite number of at least 0, got {value!r}")
    if float(value).is_integer():
        return str(int(value))
    # Ratios: two decimals, or two significant figures when that would show 0.00.
    # Anything else: three significant figures.
    significant = 2 if not unit else 3
    if not unit and value >= 0.1:
        return f"{value:.2f}"
    decimals = max(0, significant - 1 - math.floor(math.log10(value)))
    return f"{value:.{decimals}f}"


def run_figures(context: BenchContext, *, out: TextIO, err: TextIO, only: list[str] | None = None) -> int:
    """Print every figure; return how many failed."""
    failures = 0
    for label, module in benchmark_modules(only):
        if isinstance(module, Exception):
            failures += 1
            err.write(f"{label}: error importing {FIGURES}.{label}: {_reason(module)}\n")
            continue
        last = None
        try:
            for name, value, *unit in module.figures(context):
                unit = unit[0] if unit else ""
                try:
                    number = value() if callable(value) else value
                    line = f"{name}: {format_value(number, unit)} {unit}".rstrip()
                except Exception as error:
                    failures += 1
                    err.write(f"{name}: error {_reason(error)}\n")
                else:
                    out.write(line + "\n")
                last = name
        except Exception as error:
            failures += 1
            where = f"after {last}" if last else "before its first figure"
            err.write(f"{label}: error in {FIGURES}.{label}, {where}: {_reason(error)}\n")
    return failures


def _silent(line: str) -> None:
    pass


def _reason(error: Exception) -> str:
    return f"{type(error).__name__}: {error}".strip().rstrip(":")


def measure(*, out: TextIO, err: TextIO, national: bool, quick: bool, repeat: int,
            only: list[str] | None = None, progress: Callable[[str], None] = _silent) -> int:
    """Seed the current (throwaway) database and print every figure; return
    how many failed. The tests call this inside their own test database."""
    start = time.perf_counter()
    context = build_context(national=national, quick=quick, repeat=repeat)
    scale = " and England's scale" if national else ""
    progress(f"Seeded the demo set{scale} in {time.perf_counter() - start:.1f} s.")
    return run_figures(context, out=out, err=err, only=only)


@contextmanager
def throwaway_database(*, progress: Callable[[str], None] = _silent) -> Iterator[str]:
    """A fresh, migrated database, made and destroyed as the test runner does,
    with the settings requests need in-process; the configured one is not touched."""
    test_settings = connection.settings_dict["TEST"]
    old_name, old_test_name = connection.settings_dict["NAME"], test_settings.get("NAME")
    if connection.vendor != "sqlite" and not old_test_name:
        test_settings["NAME"] = f"bench_{old_name}"
    overrides = override_settings(
        DEBUG=False,
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
        SECURE_SSL_REDIRECT=False,
        STORAGES={**settings.STORAGES, "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
    )
    with overrides, warnings.catch_warnings():
        # WhiteNoise warns that STATIC_ROOT was never collected: no matter here.
        warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
        try:
            start = time.perf_counter()
            name = connection.creation.create_test_db(
                verbosity=0, autoclobber=True, serialize=False, keepdb=False
            )
            progress(f"Created a throwaway database in {time.perf_counter() - start:.1f} s.")
            yield name
        finally:
            # Only once create_test_db has switched to the new database: before
            # that, NAME is still the configured database's.
            if connection.settings_dict["NAME"] != old_name:
                connection.creation.destroy_test_db(old_name, verbosity=0)
            test_settings["NAME"] = old_test_name

