"""A database restart costs no request: gunicorn's persistent connections are
checked before reuse. Over real HTTP, since Django's test client closes the
connection after each request and so never reuses one."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import psycopg2
import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

from tests.conftest import make_person

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="terminates PostgreSQL backends"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def gunicorn(transactional_db):
    """One gunicorn worker on the test database, keeping its connection."""
    database = connection.settings_dict
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0",
        "CONN_MAX_AGE": "60", "WEB_CONCURRENCY": "1", "BIND": f"127.0.0.1:{port}",
        "DEBUG": "1",  # static files without collectstatic; connections behave the same
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "wcc_site/gunicorn_conf.py", "wcc_site.wsgi"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def terminate_other_connections() -> int:
    """What a database restart does to the app's open connections."""
    database = connection.settings_dict
    admin = psycopg2.connect(dbname=database["NAME"], user=database["USER"], host=database["HOST"],
                             port=database["PORT"])
    try:
        with admin.cursor() as cursor:
            # All but this one and the test's own.
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() AND pid <> %s",
                [connection.connection.info.backend_pid],
            )
            return cursor.fetchone()[0]
    finally:
        admin.close()


def session_cookie(user) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def get(url: str, cookie: str = "") -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_requests_after_the_connections_are_cut_still_succeed(gunicorn, pct):
    cookie = session_cookie(make_person("alice", pct, "board_member"))
    assert get(f"{gunicorn}/healthz") == 200
    assert get(f"{gunicorn}/assessments/", cookie) == 200

    assert terminate_other_connections() >= 1  # the worker's connection

    assert get(f"{gunicorn}/assessments/", cookie) == 200
    assert get(f"{gunicorn}/healthz") == 200
