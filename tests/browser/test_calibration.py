"""The calibration page in a real Chromium, with axe-core's WCAG 2.2 A/AA
rules at a laptop's and a phone's width."""

import pytest
from playwright.sync_api import expect

from assessments import workflow
from assessments.models import Cycle, Organisation
from competencies.models import Competency
from tests.browser.conftest import check_accessibility, log_in
from tests.conftest import PASSWORD, fill, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reviewer_reads_the_calibration(page, framework):
    sha = Organisation.objects.create(code="Q30", name="North East SHA", kind="sha")
    cycle = Cycle.objects.create(start_year=2008)
    reviewer = make_person("rita", sha, "reviewer")
    for code, name, level in (("5D8", "North Tyneside PCT", 1), ("5KF", "Sunderland PCT", 4)):
        pct = Organisation.objects.create(code=code, name=name, kind="pct", sha=sha)
        board = make_person(f"board.{code}", pct, "board_member")
        assessment = fill(workflow.start_assessment(pct=pct, cycle=cycle, user=board))
        assert workflow.submit(assessment=assessment, user=board) == []
        first_three = Competency.objects.order_by("number")[:3]
        workflow.record_reviews(assessment=assessment, user=reviewer,
                                levels=dict.fromkeys(first_three, (level, "As the evidence shows.")))

    log_in(page, "rita", PASSWORD)
    page.goto("/compare/")
    page.get_by_role("link", name="Calibration").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Calibration")
    heat_map = page.get_by_role("table", name="The PCT's level minus the reviewer's")
    expect(heat_map.get_by_role("rowheader")).to_have_count(2)
    expect(page.locator("#calibration-key")).to_contain_text("A plus sign means")
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        check_accessibility(page)
    page.get_by_label("Cycle").select_option("2008")
    page.get_by_role("button", name="Show").click()
    assert "cycle=2008" in page.url
    expect(page.locator("#calibration-counts")).to_contain_text("Overstated")
