"""The comparison matrix in a real Chromium: at a laptop's width (1280 px)
every competency's column is on screen without scrolling sideways, the PCT
column stays in view when a narrower screen scrolls, and axe-core's WCAG 2.2
A/AA rules pass."""

import pytest
from playwright.sync_api import expect

from assessments import workflow
from assessments.models import Cycle, Organisation
from tests.browser.conftest import check_accessibility, log_in
from tests.conftest import PASSWORD, fill, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Long names, as England's are, in two SHAs: the admin's national matrix
# shows each PCT's SHA under its name too.
PCTS = {
    "Q30": ("North East SHA", [("5D8", "North Tyneside PCT"), ("5KF", "Sunderland Teaching PCT")]),
    "Q36": ("London SHA", [("5H1", "Hammersmith and Fulham PCT"), ("5K7", "Camden PCT"),
                           ("5LA", "Kensington and Chelsea PCT"), ("5K6", "Barking and Dagenham PCT")]),
}


@pytest.fixture
def england(framework):
    cycle = Cycle.objects.create(start_year=2008)
    for sha_code, (sha_name, pcts) in PCTS.items():
        sha = Organisation.objects.create(code=sha_code, name=sha_name, kind="sha")
        for index, (code, name) in enumerate(pcts):
            pct = Organisation.objects.create(code=code, name=name, kind="pct", sha=sha)
            board = make_person(f"board.{code}", pct, "board_member")
            assessment = fill(workflow.start_assessment(pct=pct, cycle=cycle, user=board),
                              no_every=2 + index)
            assert workflow.submit(assessment=assessment, user=board) == []
            if code == "5K6":
                reviewer = make_person("rhys", sha, "reviewer")
                workflow.return_to_pct(assessment=assessment, user=reviewer, comment="Add evidence.")
            if code == "5D8":
                focus = fill(workflow.start_assessment(pct=pct, cycle=cycle, user=board,
                                                       focus="Obesity strategy"))
                assert workflow.submit(assessment=focus, user=board) == []
    make_person("ada", is_staff=True, is_superuser=True)


def right_edges(page, table) -> dict[str, float]:
    return page.evaluate(
        """table => {
            const region = table.closest('[role=region]');
            const last = table.querySelector('thead th:last-child');
            return {last: last.getBoundingClientRect().right,
                    region: region.getBoundingClientRect().right,
                    scroll: region.scrollWidth - region.clientWidth,
                    viewport: window.innerWidth};
        }""",
        table.element_handle(),
    )


def test_every_competency_is_on_a_laptop_screen(page, england):
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "ada", PASSWORD)
    page.goto("/compare/")

    matrix = page.get_by_role("table", name="Scores by PCT and competency")
    # The last competency's heading: its number on screen, its whole title as its name.
    expect(matrix.get_by_role("link", name="11. Make sound financial investments")).to_be_visible()
    edges = right_edges(page, matrix)
    assert edges["scroll"] == 0, "the matrix scrolls sideways at 1280 px"
    assert edges["last"] <= edges["region"] <= edges["viewport"]
    expect(matrix.get_by_role("row", name="Barking and Dagenham PCT")).to_contain_text("Returned for changes")
    focus = page.get_by_role("table", name="Scores of the assessments of one focus")
    expect(focus).to_contain_text("Focus: Obesity strategy")
    assert right_edges(page, focus)["scroll"] == 0
    check_accessibility(page)


def test_the_pct_column_stays_in_view_on_a_narrow_screen(page, england):
    page.set_viewport_size({"width": 375, "height": 800})
    log_in(page, "ada", PASSWORD)
    page.goto("/compare/")

    matrix = page.get_by_role("table", name="Scores by PCT and competency")
    region = page.locator("[role=region]", has=matrix)
    region.evaluate("region => { region.scrollLeft = region.scrollWidth; }")
    name = matrix.get_by_role("rowheader", name="Camden PCT")
    box, frame = name.bounding_box(), region.bounding_box()
    assert frame["x"] - 1 <= box["x"] <= frame["x"] + 1  # stuck at the region's left edge
    check_accessibility(page)
    page.goto("/compare/trends/")
    check_accessibility(page)
