"""Waiting for the PDF board report in a real Chromium: the page says it is
being prepared, turns into the download when a worker has rendered it, and
offers to try again when a render fails; by keyboard, with axe-core."""

import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from assessments import workflow
from assessments.models import Cycle, Organisation
from tests.browser.conftest import check_accessibility, log_in
from tests.conftest import PASSWORD, make_person, run_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft(framework):
    sha = Organisation.objects.create(code="Q30", name="North East SHA", kind="sha")
    pct = Organisation.objects.create(code="5D8", name="North Tyneside PCT", kind="pct", sha=sha)
    board = make_person("alice", pct, "board_member")
    return workflow.start_assessment(pct=pct, cycle=Cycle.objects.create(start_year=2008), user=board)


def tab_to(page, name: str, limit: int = 40) -> None:
    """Press Tab until the link or button called ``name`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent.trim()") == name:
            return
    raise AssertionError(f"Tab never reached {name}")


@pytest.mark.parametrize("width", [1280, 375])
def test_the_report_is_prepared_then_downloaded_by_keyboard(page, draft, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "alice", PASSWORD)
    page.goto(f"/reports/assessments/{draft.pk}/")
    page.get_by_role("link", name="Download the board report (PDF)").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Preparing your report…")
    expect(page).to_have_title(re.compile(rf"^Preparing your report: {draft} – "))
    check_accessibility(page)
    tab_to(page, "Check again")

    run_tasks()  # a worker renders it; the page asks every 2 seconds

    expect(page.get_by_role("heading", level=1)).to_have_text("Your report is ready", timeout=6_000)
    expect(page).to_have_title(re.compile(rf"^Your report is ready: {draft} – "))
    check_accessibility(page)
    # The focus moved from "Check again" to the download.
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Download the board report (PDF)"
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == "5d8-2008-09-board-report.pdf"
    text = " ".join(page_text for page_text in (p.extract_text() for p in PdfReader(download.value.path()).pages))
    assert "North Tyneside PCT" in text


def test_a_failed_render_is_tried_again_by_keyboard(page, settings, draft):
    log_in(page, "alice", PASSWORD)
    page.goto(f"/reports/assessments/{draft.pk}/pdf/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Preparing your report…")
    static_dirs = settings.STATICFILES_DIRS
    settings.STATICFILES_DIRS = []  # a broken release: the report's stylesheet is missing
    try:
        run_tasks()
    finally:
        settings.STATICFILES_DIRS = static_dirs

    expect(page.get_by_role("heading", level=1)).to_have_text("Your report could not be prepared", timeout=6_000)
    expect(page).to_have_title(re.compile(rf"^Your report could not be prepared: {draft} – "))
    check_accessibility(page)
    tab_to(page, "Try again")
    page.keyboard.press("Enter")  # a POST, then back to the PDF's page

    expect(page.get_by_role("heading", level=1)).to_have_text("Preparing your report…")
    run_tasks()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your report is ready", timeout=6_000)
