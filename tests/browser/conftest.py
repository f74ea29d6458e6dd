"""Browser journeys: Playwright drives Debian's Chromium against live_server.

Every page a journey visits is checked with axe-core (vendored in
tests/vendor/axe-core) against the WCAG 2.2 A and AA rules.
"""

import re
from importlib import import_module
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: bin/install --dev installs Debian's chromium")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def plain_http():
    """The live server speaks plain HTTP: no redirect to HTTPS. Set before the
    session-wide live server builds its middleware."""
    from django.conf import settings

    redirect = settings.SECURE_SSL_REDIRECT
    settings.SECURE_SSL_REDIRECT = False
    yield
    settings.SECURE_SSL_REDIRECT = redirect


@pytest.fixture
def framework(transactional_db):
    """live_server tests run outside a transaction, and the flush after each one
    empties every table, the level bands a migration adds included: load the
    framework and the default bands for each, as a new installation has them."""
    from assessments.models import LevelBand

    call_command("load_framework", verbosity=0)
    for level, name, min_score, description in import_module("reports.migrations.0002_default_bands").DEFAULT_BANDS:
        LevelBand.objects.get_or_create(
            level=level, defaults={"name": name, "min_score": min_score, "description": description})


@pytest.fixture
def page(plain_http, browser, live_server, framework):
    context = browser.new_context(base_url=live_server.url, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = page.console_errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(f"{page.url}: {m.text}"))
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    yield page
    context.close()
    # A script or style the Content-Security-Policy blocks shows up here. Form
    # pages answered with 400 or 409 on purpose are not errors.
    errors = [e for e in errors if not re.search(r"Failed to load resource: .* status of 40[09]", e)]
    assert not errors, "The browser reported errors:\n" + "\n".join(errors)


def check_accessibility(page) -> None:
    """Fail on any WCAG 2.2 A/AA violation axe-core finds on the current page."""
    # Evaluated through the DevTools protocol: an injected <script> tag would
    # (rightly) be refused by the site's Content-Security-Policy.
    before = len(page.console_errors)
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    # axe-core sets style attributes while it measures, which the site's
    # Content-Security-Policy reports: those reports are axe's, not the page's.
    del page.console_errors[before:]
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
        for v in result["violations"]
    ]
    assert not violations, f"axe-core on {page.url}:\n" + "\n".join(violations)


def log_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
