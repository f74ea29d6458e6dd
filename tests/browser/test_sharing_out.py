"""Sharing out the competencies in the browser, by keyboard, with axe-core."""

import pytest

from assessments import workflow
from tests.browser.conftest import check_accessibility, log_in
from tests.browser.test_journeys import people  # noqa: F401 (a fixture)
from tests.conftest import PASSWORD, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_board_member_shares_out_competencies_and_a_colleague_finds_them(page, people):  # noqa: F811
    make_person("carol", people["pct"], "board_member", first_name="Carol", last_name="Jones")
    draft = workflow.start_assessment(pct=people["pct"], cycle=people["cycle"], user=people["board"])
    log_in(page, "alice", PASSWORD)
    page.goto(f"/assessments/{draft.pk}/answers/")
    page.get_by_role("link", name="Share out the competencies").press("Enter")
    page.wait_for_load_state()
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        check_accessibility(page)

    page.get_by_label("1. Locally lead the NHS").focus()
    page.keyboard.press("Space")
    page.get_by_label("2. Work with community partners").check()
    page.get_by_label("Give them to").select_option(label="Carol Jones")
    page.get_by_role("button", name="Give them").press("Enter")
    page.wait_for_load_state()

    assert "2 competencies are now given to Carol Jones." in page.locator("main").inner_text()
    assert page.locator("#task-1-hint").inner_text().endswith("Assigned to Carol Jones")
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        check_accessibility(page)
    page.get_by_role("button", name="Log out").click()

    log_in(page, "carol", PASSWORD)
    page.get_by_role("link", name="My competencies").first.click()
    page.wait_for_load_state()
    rows = page.locator("tbody tr")
    assert rows.count() == 2 and "1. Locally lead the NHS" in rows.first.inner_text()
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        check_accessibility(page)
