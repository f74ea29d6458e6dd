"""The report page in a real Chromium: it fits a phone's screen, the board
paper's form works by keyboard, and axe-core finds nothing at either width."""

import pytest
from playwright.sync_api import expect

from assessments import workflow
from competencies.models import Competency
from reports.models import BoardPaper
from tests.browser.conftest import check_accessibility, log_in
from tests.conftest import PASSWORD, fill, make_person, run_tasks
from tests.factories import CycleFactory, PctFactory, ShaFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def returned(framework):
    """An assessment the SHA has returned: the PCT sees the reviewers' levels and reasons."""
    pct = PctFactory(code="5D8", name="North Tyneside PCT", sha=ShaFactory(code="Q30", name="North East SHA"))
    board = make_person("alice", pct, "board_member")
    reviewer = make_person("rita", pct.sha, "reviewer")
    assessment = fill(workflow.start_assessment(pct=pct, cycle=CycleFactory(start_year=2008), user=board))
    assert workflow.submit(assessment=assessment, user=board) == []
    workflow.record_reviews(assessment=assessment, user=reviewer, levels={
        c: (1 + c.number % 4, "The minutes show the board discussed it twice.") for c in Competency.objects.all()})
    workflow.return_to_pct(assessment=assessment, user=reviewer, comment="Look again at the evidence.")
    return assessment


def overflow(page) -> list[str]:
    """Anything wider than the window, or cut off inside its own box; not a
    visually hidden table head (a phone's responsive table reads its headings
    from each cell)."""
    return page.evaluate("""() => {
        const width = document.documentElement.clientWidth, found = [];
        if (document.documentElement.scrollWidth > width) found.push(`page ${document.documentElement.scrollWidth}px`);
        for (const el of document.querySelectorAll('main table, main td, main th')) {
            const head = el.closest('thead');
            if (head && getComputedStyle(head).position === 'absolute') continue;
            const box = el.getBoundingClientRect();
            if (box.right > width + 0.5 || el.scrollWidth > el.clientWidth + 1)
                found.push(`${el.tagName} "${el.innerText.slice(0, 30)}" ${Math.round(box.right)}px`);
        }
        return found;
    }""")


def test_the_report_fits_a_phone_and_the_board_paper_is_saved(page, returned):
    log_in(page, "alice", PASSWORD)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"/reports/assessments/{returned.pk}/")

    cut = overflow(page)
    assert not cut, "\n".join(cut)
    reviewer_level = page.get_by_text("The minutes show the board discussed it twice.").first
    expect(reviewer_level).to_be_visible()
    box = reviewer_level.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    check_accessibility(page)

    page.get_by_text("The board paper's meeting, recommendation and annexes").click()
    page.get_by_label("Meeting (optional)").fill("Public board meeting")
    page.get_by_label("Day").fill("25")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2009")
    page.get_by_label("Paper reference (optional)").fill("BD/09/41")
    page.get_by_label("The framework's skills and evidence for each competency").check()
    assert overflow(page) == []
    check_accessibility(page)
    page.get_by_role("button", name="Save and download the board paper (PDF)").click()
    # The paper with its new front is drawn by a task worker while the page waits.
    expect(page.get_by_role("heading", level=1)).to_have_text("Preparing your report…")
    run_tasks()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your report is ready", timeout=6_000)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the board report (PDF)").click()
    assert download.value.suggested_filename == "5d8-2008-09-board-report.pdf"
    paper = BoardPaper.objects.get(assessment=returned)
    assert (paper.meeting, str(paper.meeting_date), paper.reference, paper.framework_text) == (
        "Public board meeting", "2009-03-25", "BD/09/41", True)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/reports/assessments/{returned.pk}/")
    check_accessibility(page)


def test_a_mistake_in_the_form_is_shown_at_the_field(page, returned):
    log_in(page, "alice", PASSWORD)
    page.goto(f"/reports/assessments/{returned.pk}/")
    page.get_by_text("The board paper's meeting, recommendation and annexes").click()
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2009")

    page.get_by_role("button", name="Save and download the board paper (PDF)").click()

    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Meeting date must be a real date")
    expect(page.locator("#board-paper .nhsuk-error-message")).to_contain_text("Meeting date must be a real date")
    page.set_viewport_size({"width": 375, "height": 800})
    assert overflow(page) == []
    check_accessibility(page)
