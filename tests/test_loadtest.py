"""``loadtest``: its database preparation, its wrk script, and the reading of wrk's output."""

import os
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django_tasks_db.models import DBTaskResult

from assessments.models import Assessment
from devtools.loadtest import people, wrk
from devtools.loadtest.prepare import analyse, logins, pdf_assessments
from devtools.management.commands import loadtest
from reports.models import RenderedReport

WRK_OUTPUT = """\
Running 30s test @ http://127.0.0.1:40123/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    61.20ms   20.11ms 240.00ms   70.00%
    Req/Sec   130.50     20.00   180.00     70.00%
  Latency Distribution
     50%   58.30ms
     75%   70.00ms
     90%   90.00ms
     99%  150.25ms
  7830 requests in 30.01s, 200.00MB read
  Non-2xx or 3xx responses: 3
Requests/sec:    260.91
Transfer/sec:      6.66MB
"""


def test_wrk_output_becomes_bench_style_figures():
    assert wrk.parse(WRK_OUTPUT) == [
        ("load_rps", "260.9", "req/s"),
        ("load_p50_ms", "58.3", "ms"),
        ("load_p99_ms", "150.2", "ms"),
        ("load_errors", "3", "requests"),
    ]


def test_the_rounds_give_each_figures_median_and_the_errors_added_up():
    rounds = [wrk.parse(WRK_OUTPUT.replace("99%  150.25ms", f"99%  {p99}ms").replace("responses: 3", f"responses: {n}"))
              for p99, n in [(150, 3), (900, 0), (170, 1)]]

    figures = {name: value for name, value, _ in loadtest._over_rounds(rounds)}

    assert (figures["load_p99_ms"], figures["load_errors"], figures["load_rps"]) == ("170.0", "4", "260.9")
    assert loadtest._change(loadtest._over_rounds(rounds[:1]), rounds[2], "load_p99_ms") == pytest.approx(13.33, 0.01)


def test_socket_errors_count_as_errors_and_seconds_are_converted():
    output = WRK_OUTPUT.replace("99%  150.25ms", "99%    1.20s").replace(
        "  Non-2xx or 3xx responses: 3\n",
        "  Socket errors: connect 0, read 2, write 0, timeout 1\n",
    )

    figures = {name: value for name, value, _ in wrk.parse(output)}

    assert figures["load_p99_ms"] == "1200.0"
    assert figures["load_errors"] == "3"


@pytest.mark.django_db
def test_the_prepared_logins_open_the_pages_it_loads(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)

    pk, board_session, admin_session = logins()

    client = Client()
    for path, session in [(f"/assessments/{pk}/answers/", board_session),
                          (f"/reports/assessments/{pk}/", board_session),
                          ("/compare/", admin_session)]:
        client.cookies["sessionid"] = session
        assert client.get(path).status_code == 200, path
    logins()  # again: new sessions for the same logins
    assert get_user_model().objects.filter(username__startswith="load.").count() == 2

    pdfs = pdf_assessments()
    assert pdfs and not RenderedReport.objects.exists() and not DBTaskResult.objects.exists()
    client.cookies["sessionid"] = admin_session
    assert "Preparing your report…" in client.get(f"/reports/assessments/{pdfs[0]}/pdf/").text


class Recorder(BaseHTTPRequestHandler):
    """Answers every GET with 200 and notes its path and cookie."""

    seen: set[tuple[str, str]] = set()

    def do_GET(self) -> None:
        self.seen.add((self.path, self.headers.get("Cookie", "")))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format, *args) -> None:
        pass


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (bin/install --dev installs it)")
def test_wrk_requests_every_target_with_its_session():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        output = wrk.run(base, [("/answers/", "board-session"), ("/compare/", "admin-session")],
                         seconds=1, connections=2)
    finally:
        server.shutdown()
        server.server_close()

    assert Recorder.seen == {("/answers/", "sessionid=board-session"), ("/compare/", "sessionid=admin-session")}
    figures = {name: value for name, value, _ in wrk.parse(output)}
    assert figures["load_errors"] == "0" and float(figures["load_rps"]) > 0


def test_people_ask_in_turns_and_pause_between_requests():
    # One request at a time: a person holding a connection open while
    # pausing (as wrk's pause does) would hold it up.
    server = HTTPServer(("127.0.0.1", 0), Recorder)
    server.timeout = 5
    Recorder.seen = set()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        figures = {name: value for name, value, _ in people.run(
            f"http://127.0.0.1:{server.server_port}", [("/pdf/1/", "admin-session"), ("/pdf/2/", "admin-session")],
            seconds=2, people=2, pause_ms=500)}
    finally:
        server.shutdown()
        server.server_close()

    assert Recorder.seen == {("/pdf/1/", "sessionid=admin-session"), ("/pdf/2/", "sessionid=admin-session")}
    # Two people, each asking every half second: about 4 a second, not hundreds.
    assert figures["load_errors"] == "0" and 2 <= float(figures["load_rps"]) <= 6
    assert float(figures["load_p50_ms"]) < 100


def test_the_task_worker_runs_in_the_idle_scheduling_class():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"],
                             preexec_fn=loadtest._idle_class)
    try:
        assert os.sched_getscheduler(child.pid) == os.SCHED_IDLE
    finally:
        child.kill()
        child.wait()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_the_prepared_database_is_analysed(transactional_db):
    analyse()

    with connection.cursor() as cursor:
        cursor.execute("SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = %s",
                       [Assessment._meta.db_table])
        assert cursor.fetchone() == (True,)
