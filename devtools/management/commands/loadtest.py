"""Drive a real gunicorn on PostgreSQL with national-scale data, and report.

Not part of CI: it takes about four minutes and wants the machine to itself.

    python manage.py loadtest [--seconds 75] [--connections 16]

It uses its own database (``--database-url``, default ``wcc_load`` on the
local PostgreSQL server), prepares it in a child process with
``devtools/loadtest/prepare.py`` (``seed_demo --national``, once: the seed is
idempotent; every run empties the stored PDFs and the task queue, and
analyses the tables as autovacuum would in service), starts
gunicorn with two workers on a free loopback port and one task worker
(``db_worker`` in linux's idle scheduling class, as README advises), and
drives the answering page, a report page and the national comparison from loopback with wrk and
``devtools/loadtest/targets.lua``: alone (``load_*``, the worker stopped),
and for as long again with PDF downloads beside them (``load_with_pdfs_*``):
two people each asking every half second for the PDF of one of 40
assessments in turn, which the worker prepares meanwhile (``pdf_*``: their
requests, and the renders the worker finished). The people are
``devtools/loadtest/people.py``'s threads, not wrk, whose pause holds an
open connection on a sync worker. The two take turns, five
rounds of a fifth of ``--seconds`` each, and each figure is the median of
its rounds. ``load_p99_change_pct`` is how far the pages' p99 moved with the
downloads (goal: at most 20 %). Before that, each page alone, one request at
a time, as a ratio of its median to the bare logged-in page's
(``http_<page>_ratio``: the national comparison, trends and calibration as
an admin; goal: at most 4). Output is
``name: value unit`` lines, as ``bench`` prints.
"""

import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devtools.loadtest import people, wrk

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/wcc_load"
PDF_CONNECTIONS = 2
PDF_PAUSE_MS = 500
ROUNDS = 5
# Seconds of one request at a time for each page's ratio to the bare page.
PAGE_SECONDS = 5


class Command(BaseCommand):
    help = "Load-test a real gunicorn on PostgreSQL with national-scale data (not for CI)."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, default=75)
        parser.add_argument("--connections", type=int, default=16)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--pdf-connections", type=int, default=PDF_CONNECTIONS,
                            help="People downloading PDFs at once, each asking every half second.")
        parser.add_argument("--skip-ratios", action="store_true",
                            help="Only the traffic: not each page's ratio to the bare page.")
        parser.add_argument(
            "--database-url",
            default=os.environ.get("LOAD_DATABASE_URL", DEFAULT_DATABASE_URL),
            help="A PostgreSQL database this command may fill (default: %(default)s).",
        )

    def handle(self, *args, seconds, connections, workers, pdf_connections, skip_ratios, database_url,
               **options):
        if not shutil.which("wrk"):
            raise CommandError("wrk is not installed: apt-get install wrk")
        if not database_url.startswith(("postgres://", "postgresql://")):
            raise CommandError("The load test runs on PostgreSQL: give a postgres:// URL.")
        self._create_database(database_url)
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "LOG_LEVEL": "WARNING",
            "STATIC_ROOT": tempfile.mkdtemp(prefix="wcc-static-"),
        }
        self.stderr.write("Preparing the load database (first run seeds national data)…")
        prepared = self._run([sys.executable, "-m", "devtools.loadtest"], env)
        assessment_pk, board_session, admin_session, pdf_pks = prepared.split()
        self._run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env)

        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "wcc_site/gunicorn_conf.py",
             "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
             "--access-logfile", "/dev/null", "wcc_site.wsgi"],
            cwd=settings.BASE_DIR, env=env,
        )
        # One task worker, given the CPU only when gunicorn and PostgreSQL
        # leave it idle (``chrt --idle 0``, as README advises); stopped
        # (SIGSTOP) while the pages are measured alone.
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "-v", "0"],
            cwd=settings.BASE_DIR, env=env, preexec_fn=_idle_class,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_until_up(f"{base}/healthz")
            targets = [
                (f"/assessments/{assessment_pk}/answers/", board_session),
                # The largest competency's page (19 questions).
                (f"/assessments/{assessment_pk}/answers/competencies/11/", board_session),
                (f"/reports/assessments/{assessment_pk}/", board_session),
                ("/compare/", admin_session),
            ]
            # The admin downloading the reports of many assessments: each asked
            # for first while it is being prepared, then downloaded once rendered.
            downloads = [(f"/reports/assessments/{pk}/pdf/", admin_session) for pk in pdf_pks.split(",")]
            for path, session in targets:
                _check(base + path, session)
            worker.send_signal(signal.SIGSTOP)
            try:
                ratios = [] if skip_ratios else self._page_ratios(base, [
                    ("task_list", targets[0]), ("competency_page", targets[1]), ("report_page", targets[2]),
                    ("comparison", targets[3]), ("trends", ("/compare/trends/", admin_session)),
                    ("calibration", ("/compare/calibration/", admin_session)),
                ], shell=("/accounts/password/done/", board_session))
            except wrk.WrkError as error:
                raise CommandError(str(error)) from None
            # The two phases in turns, ROUNDS times, so that a machine getting
            # busier or quieter meanwhile weighs on both alike.
            alone, with_pdfs, pdf_figures = [], [], []
            each = max(1, round(seconds / ROUNDS))
            try:
                for _ in range(ROUNDS):
                    worker.send_signal(signal.SIGSTOP)
                    alone.append(wrk.parse(wrk.run(base, targets, seconds=each, connections=connections)))
                    worker.send_signal(signal.SIGCONT)
                    with ThreadPoolExecutor(2) as pool:
                        mixed = pool.submit(wrk.run, base, targets, seconds=each, connections=connections)
                        pdfs = pool.submit(people.run, base, downloads, seconds=each,
                                           people=pdf_connections, pause_ms=PDF_PAUSE_MS)
                        with_pdfs.append(wrk.parse(mixed.result()))
                        pdf_figures.append(pdfs.result())
                    self.stderr.write(f"Round {len(alone)}: the pages' p99 {_figure(alone[-1], 'load_p99_ms')} ms "
                                      f"alone, {_figure(with_pdfs[-1], 'load_p99_ms')} ms with PDFs.")
            except wrk.WrkError as error:
                raise CommandError(str(error)) from None
        finally:
            worker.send_signal(signal.SIGCONT)
            for process in (worker, server):
                process.terminate()
                process.wait(timeout=60)
        alone, with_pdfs, pdf_figures = _over_rounds(alone), _over_rounds(with_pdfs), _over_rounds(pdf_figures)
        figures = [
            *ratios,
            *alone,
            *[(name.replace("load_", "load_with_pdfs_"), value, unit) for name, value, unit in with_pdfs],
            ("load_p99_change_pct", f"{_change(alone, with_pdfs, 'load_p99_ms'):.1f}", "%"),
            *[(name.replace("load_", "pdf_"), value, unit) for name, value, unit in pdf_figures],
            *self._renders(database_url),
        ]
        for name, value, unit in figures:
            self.stdout.write(f"{name}: {value} {unit}".rstrip())

    def _page_ratios(self, base: str, pages: list[tuple[str, tuple[str, str]]], *, shell: tuple[str, str]
                     ) -> list[tuple[str, str, str]]:
        """Each page's median time over HTTP, one request at a time, as a ratio
        to the site's bare logged-in page measured just before it (as
        ``bench`` does in-process): ``http_<page>_ratio``."""
        figures = []
        for name, (path, session) in pages:
            _check(base + path, session)
            shell_ms, page_ms = (
                _figure(wrk.parse(wrk.run(base, [target], seconds=PAGE_SECONDS, connections=1)), "load_p50_ms")
                for target in (shell, (path, session)))
            figures.append((f"http_{name}_ratio", f"{page_ms / shell_ms:.2f}", ""))
            self.stderr.write(f"{name}: {page_ms} ms, the bare page {shell_ms} ms.")
        return figures

    def _renders(self, url: str) -> list[tuple[str, str, str]]:
        """How many renders the worker finished, and how many failed."""
        from django_tasks_db.models import DBTaskResult
        from psycopg2 import sql

        with _connect(url) as connection, connection.cursor() as cursor:
            cursor.execute(sql.SQL("SELECT status, count(*) FROM {} GROUP BY status").format(
                sql.Identifier(DBTaskResult._meta.db_table)))
            counts = dict(cursor.fetchall())
        connection.close()
        return [("pdf_renders", str(counts.get("SUCCESSFUL", 0)), "renders"),
                ("pdf_render_failures", str(counts.get("FAILED", 0)), "renders")]

    def _create_database(self, url: str) -> None:
        from psycopg2 import sql

        name = _connect_settings(url)["NAME"]
        connection = _connect(url, dbname="postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        connection.close()

    def _run(self, command: list[str], env: dict) -> str:
        result = subprocess.run(
            command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
        )
        if result.returncode:
            raise CommandError(f"{' '.join(command[:3])} failed:\n{result.stderr}")
        return result.stdout


def _connect_settings(url: str) -> dict:
    import dj_database_url

    return dj_database_url.parse(url)


def _connect(url: str, dbname: str | None = None):
    import psycopg2

    config = _connect_settings(url)
    return psycopg2.connect(dbname=dbname or config["NAME"], user=config["USER"], password=config["PASSWORD"],
                            host=config["HOST"], port=config["PORT"] or 5432)


def _over_rounds(rounds: list[list[tuple[str, str, str]]]) -> list[tuple[str, str, str]]:
    """Each figure's median over the rounds; errors added up."""
    figures = []
    for index, (name, _, unit) in enumerate(rounds[0]):
        values = [float(figures_of_round[index][1]) for figures_of_round in rounds]
        if name.endswith("_errors"):
            figures.append((name, str(int(sum(values))), unit))
        else:
            figures.append((name, f"{statistics.median(values):.1f}", unit))
    return figures


def _figure(figures: list[tuple[str, str, str]], name: str) -> float:
    return float({n: v for n, v, _ in figures}[name])


def _change(before: list, after: list, name: str) -> float:
    """The percentage by which figure ``name`` moved from ``before`` to ``after``."""
    old, new = _figure(before, name), _figure(after, name)
    return (new - old) / old * 100


def _idle_class() -> None:
    """What ``chrt --idle 0`` does, in the child before it runs the worker."""
    os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise CommandError(f"gunicorn did not answer {url} within {timeout:.0f} s.")


def _check(url: str, session: str) -> None:
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={session}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    if status != 200:
        raise CommandError(f"{url} answered {status}, not 200: the load test would be meaningless.")
