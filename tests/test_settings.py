import os
import subprocess
import sys

from django.conf import settings

SHOW = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"


def run_settings(show: str = SHOW, **env):
    environment = {k: v for k, v in os.environ.items()
                   if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "ALLOWED_HOSTS", "SITE_URL"}}
    environment.update(env, DJANGO_SETTINGS_MODULE="wcc_site.settings")
    return subprocess.run(
        [sys.executable, "-c", show], env=environment, cwd=settings.BASE_DIR,
        capture_output=True, text=True,
    )


def test_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = run_settings()

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_starts_in_debug_with_sqlite_by_default():
    result = run_settings(DEBUG="1")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_database_url_selects_postgresql():
    result = run_settings(SECRET_KEY="x" * 50, DATABASE_URL="postgres://u@127.0.0.1:5432/db")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_emails_link_to_the_first_allowed_host_unless_site_url_says_otherwise():
    show = "from django.conf import settings; print(settings.SITE_URL, settings.EMAIL_BACKEND)"
    production = {"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "wcc.example.nhs.uk,wcc-admin.example.nhs.uk"}

    assert run_settings(show, **production).stdout.split() == [
        "https://wcc.example.nhs.uk", "django.core.mail.backends.smtp.EmailBackend"]
    assert run_settings(show, **production, SITE_URL="https://self-assessment.example.nhs.uk/").stdout.split()[0] == (
        "https://self-assessment.example.nhs.uk")
    assert run_settings(show, DEBUG="1").stdout.split() == [
        "http://127.0.0.1:8000", "django.core.mail.backends.console.EmailBackend"]
