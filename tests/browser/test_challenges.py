"""A challenge in the browser, without help from scripts beyond NHS.UK's:
the reviewer challenges an answer from the worksheet's one form, the PCT
reads the thread on the competency's page and replies in its own small form."""

import pytest
from playwright.sync_api import expect

from assessments import workflow
from assessments.models import Challenge
from tests.browser.conftest import check_accessibility, log_in
from tests.conftest import PASSWORD, fill, make_person
from tests.factories import CycleFactory, PctFactory, ShaFactory


@pytest.fixture
def submitted(framework):
    sha = ShaFactory(code="Q30")
    pct = PctFactory(code="5D8", sha=sha)
    board = make_person("alice", pct, "board_member")
    reviewer = make_person("rita", sha, "reviewer")
    assessment = workflow.start_assessment(pct=pct, cycle=CycleFactory(start_year=2008), user=board)
    fill(assessment)
    assert workflow.submit(assessment=assessment, user=board) == []
    return assessment, reviewer


def test_a_challenge_and_its_reply(page, submitted):
    assessment, reviewer = submitted
    answer = assessment.answers.select_related("competency").get(question__number=9)
    log_in(page, "rita", PASSWORD)
    page.goto(f"/assessments/{assessment.pk}/review/")
    section = page.locator(f"#competency-{answer.competency.number}")
    section.get_by_text("Challenge an answer").click()
    section.get_by_role("button", name="Challenge the answer to question 9", exact=True).click()  # no note: refused
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Say what is wrong with the answer to question 9.")
    check_accessibility(page)  # the worksheet with a challenge form open, its error at the field
    page.get_by_label("Your challenge to the answer to question 9", exact=True).fill("Evidence does not show this.")
    page.get_by_role("button", name="Challenge the answer to question 9", exact=True).click()
    expect(page.locator(".nhsuk-notification-banner, .nhsuk-inset-text").first).to_be_visible()
    assert Challenge.objects.get().note == "Evidence does not show this."
    workflow.return_to_pct(assessment=assessment, user=reviewer, comment="See the challenge.")

    log_in(page, "alice", PASSWORD)
    page.goto(f"/assessments/{assessment.pk}/answers/competencies/{answer.competency.number}/")
    expect(page.locator(".nhsuk-warning-callout")).to_contain_text("Evidence does not show this.")
    check_accessibility(page)  # the competency page with a challenge thread and its reply box
    page.get_by_label("Your reply to the challenge to question 9", exact=True).fill("The May minutes show it.")
    page.get_by_role("button", name="Send your reply to the challenge to question 9").click()
    expect(page.locator("#q9-challenges")).to_contain_text("The May minutes show it.")
    assert Challenge.objects.get().reply == "The May minutes show it."
