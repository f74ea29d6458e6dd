"""The four journeys people take through the product, in a real Chromium,
with axe-core's WCAG 2.2 A/AA rules on every page they visit."""

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect
from pypdf import PdfReader

from assessments import workflow
from assessments.models import Assessment, Cycle
from competencies.models import Question
from tests.browser.conftest import check_accessibility, log_in
from tests.conftest import PASSWORD, fill, make_person
from tests.factories import accept

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(framework):
    from assessments.models import Organisation

    sha = Organisation.objects.create(code="Q30", name="North East SHA", kind="sha")
    pct = Organisation.objects.create(code="5D8", name="North Tyneside PCT", kind="pct", sha=sha)
    Organisation.objects.create(code="5KF", name="Sunderland PCT", kind="pct", sha=sha)
    return {
        "pct": pct,
        "cycle": Cycle.objects.create(start_year=2008),
        "board": make_person("alice", pct, "board_member"),
        "reviewer": make_person("rita", sha, "reviewer"),
        "admin": make_person("ada", is_staff=True, is_superuser=True),
    }


def visit(page, path):
    page.goto(path)
    check_accessibility(page)


def pdf_text(download) -> str:
    reader = PdfReader(download.path())
    return "\n".join(p.extract_text() for p in reader.pages)


def test_board_member_answers_by_keyboard_and_submits(page, people):
    draft = workflow.start_assessment(pct=people["pct"], cycle=people["cycle"], user=people["board"])
    log_in(page, "alice", PASSWORD)
    check_accessibility(page)
    visit(page, f"/assessments/{draft.pk}/answers/")

    # Question 1 with the keyboard alone: focus its "Yes", pick "No" with an
    # arrow key, then Tab on to the action and type it.
    page.locator("#id_q1-value_0").focus()
    page.keyboard.press("Space")
    expect_saved(page, 1)
    page.keyboard.press("ArrowRight")
    expect_saved(page, 1)
    page.keyboard.press("Tab")
    page.keyboard.type("Agree a data-sharing protocol with the council")
    assert leaving_is_questioned(page)  # typed, not yet saved
    page.keyboard.press("Tab")
    page.keyboard.type("Director of Public Health")
    page.keyboard.press("Tab")
    expect_saved(page, 1)
    page.locator("#id_q2-value_0").focus()
    page.keyboard.press("Space")
    expect_saved(page, 2)
    assert page.locator("#progress-total").inner_text() == "2"
    assert not leaving_is_questioned(page)

    page.reload()
    assert page.locator("#id_q1-value_1").is_checked()
    assert page.locator("#id_q1-action").input_value() == "Agree a data-sharing protocol with the council"
    assert page.locator("#id_q1-owner").input_value() == "Director of Public Health"
    assert page.locator("#id_q2-value_0").is_checked()

    # The rest answered (quicker than 110 more in the browser); question 1
    # still lacks its due date.
    answers = draft.answers.select_related("question").exclude(question__number__in=[1, 2])
    for answer in answers:
        answer.value = "yes"
        answer.save()

    visit(page, f"/assessments/{draft.pk}/")
    page.get_by_role("button", name="Submit to the SHA").click()
    summary = page.locator(".nhsuk-error-summary")
    assert "Question 1: A “No” needs a due date." in summary.inner_text()
    assert summary.locator("a").count() == 1
    check_accessibility(page)

    summary.locator("a").first.click()
    # Autosave starts once the page's scripts have run: a change made before
    # that is sent only with the next one (or the section's Save button).
    page.wait_for_load_state()
    page.locator("#id_q1-due_date").fill("2009-03-31")
    page.locator("#id_q1-due_date").press("Tab")
    expect_saved(page, 1)

    visit(page, f"/assessments/{draft.pk}/")
    page.get_by_role("button", name="Submit to the SHA").click()
    assert "has been submitted" in page.locator("main").inner_text()
    check_accessibility(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the board report (PDF)").click()
    text = pdf_text(download.value)
    assert "North Tyneside PCT" in text and "Agree a data-sharing protocol" in text


# Whether the page would ask before it is left: a change typed but not sent,
# or a save still under way (its beforeunload handler).
LEAVING_IS_QUESTIONED = (
    "() => { const e = new Event('beforeunload', {cancelable: true});"
    " window.dispatchEvent(e); return e.defaultPrevented; }"
)


def leaving_is_questioned(page) -> bool:
    return page.evaluate(LEAVING_IS_QUESTIONED)


def expect_saved(page, number):
    """Wait until question ``number`` says it is saved and nothing else is
    waiting to be saved (a later edit may still be saving behind the first
    "Saved")."""
    try:
        page.wait_for_function(
            f"n => document.querySelector(`#q${{n}}-state`).textContent.includes('Saved')"
            f" && !({LEAVING_IS_QUESTIONED})()",
            arg=number,
            timeout=20_000,
        )
    except PlaywrightTimeoutError:
        state = page.evaluate(
            "n => ({state: document.querySelector(`#q${n}-state`).textContent.trim(),"
            " saving, unsent: [...unsent]})",
            number,
        )
        raise AssertionError(f"Question {number} was not saved: {state}") from None
    page.evaluate("n => { document.querySelector(`#q${n}-state`).textContent = '' }", number)


def test_reviewer_returns_and_accepts(page, people):
    assessment = workflow.start_assessment(pct=people["pct"], cycle=people["cycle"], user=people["board"])
    fill(assessment)
    assert workflow.submit(assessment=assessment, user=people["board"]) == []

    log_in(page, "rita", PASSWORD)
    visit(page, f"/assessments/{assessment.pk}/review/")
    page.locator("#id_return-comment").fill("Please give evidence for question 3.")
    page.get_by_role("button", name="Return to North Tyneside PCT").click()
    assert "has been returned" in page.locator("main").inner_text()
    check_accessibility(page)
    page.get_by_role("button", name="Log out").click()

    log_in(page, "alice", PASSWORD)
    visit(page, f"/assessments/{assessment.pk}/")
    assert "Please give evidence for question 3." in page.locator(".nhsuk-card--warning").inner_text()
    visit(page, f"/assessments/{assessment.pk}/answers/")
    page.locator("#id_q3-value_0").check()
    expect_saved(page, 3)
    visit(page, f"/assessments/{assessment.pk}/")
    page.get_by_role("button", name="Submit to the SHA").click()
    assert "has been submitted" in page.locator("main").inner_text()
    page.get_by_role("button", name="Log out").click()

    log_in(page, "rita", PASSWORD)
    # A reviewer lands on the review queue, the assessment awaiting review at the top.
    assert page.url.endswith("/assessments/reviews/")
    check_accessibility(page)
    page.locator("#id_status").select_option("submitted")
    page.get_by_role("button", name="Show these assessments").click()
    assert "status=submitted" in page.url
    check_accessibility(page)
    page.locator("#queue a").first.click()
    assert page.url.endswith(f"/assessments/{assessment.pk}/review/")
    check_accessibility(page)

    # One competency saved alone keeps what was typed for another.
    page.locator("#id_c1-level_2").check()
    page.locator("#id_c1-reason").fill("Good engagement with NHS partners.")
    page.locator("#id_c2-level_1").check()
    page.locator("#id_c2-reason").fill("Typed, not yet saved.")
    page.get_by_role("button", name="Save the level for Locally lead the NHS").click()
    assert "is recorded" in page.locator("main").inner_text()
    assert page.locator("#id_c2-level_1").is_checked()
    assert page.locator("#id_c2-reason").input_value() == "Typed, not yet saved."
    check_accessibility(page)

    # Accepting with levels missing is refused, naming each missing competency.
    page.get_by_role("button", name="Accept the assessment").click()
    summary = page.locator(".nhsuk-error-summary")
    assert "The assessment cannot be accepted yet" in summary.inner_text()
    assert summary.locator("a").count() == 10
    check_accessibility(page)
    assert summary.locator("a").first.get_attribute("href") == "#id_c2-level_0"

    # Save all: one mistake shown at its field, the rest saved.
    for number in range(2, 12):
        page.locator(f"#id_c{number}-level_1").check()
        page.locator(f"#id_c{number}-reason").fill("" if number == 5 else "As the answers show.")
    page.get_by_role("button", name="Save all levels").first.click()
    assert "Say why you give Manage knowledge and assess needs this level." in page.locator(
        ".nhsuk-error-summary").inner_text()
    assert page.locator("#div_id_c5-reason.nhsuk-form-group--error").count() == 1
    check_accessibility(page)
    page.locator("#id_c5-reason").fill("Needs assessment is current.")
    page.get_by_role("button", name="Save all levels").first.click()
    assert "is recorded" in page.locator("main").inner_text()
    page.get_by_role("button", name="Accept the assessment").click()
    assert "has been accepted" in page.locator("main").inner_text()
    check_accessibility(page)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.ACCEPTED
    assert assessment.reviews.get(competency__number=1).level == 3
    assert assessment.reviews.count() == 11


def test_reviewer_compares_sorts_drills_and_downloads(page, people):
    assessment = workflow.start_assessment(pct=people["pct"], cycle=people["cycle"], user=people["board"])
    fill(assessment)
    assert workflow.submit(assessment=assessment, user=people["board"]) == []

    log_in(page, "rita", PASSWORD)
    visit(page, "/compare/")
    page.get_by_role("link", name="Overall").click()
    assert "sort=overall" in page.url
    assert page.locator("th[aria-sort]").count() == 1
    check_accessibility(page)
    page.get_by_role("link", name="North Tyneside PCT").click()
    assert re.search(r"/reports/assessments/\d+/$", page.url)
    check_accessibility(page)
    visit(page, "/compare/questions/")
    visit(page, "/compare/trends/")
    visit(page, "/compare/")
    with page.expect_download() as download:
        page.locator("a", has_text="Excel (XLSX)").first.click()
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    names = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert sorted(names) == ["North Tyneside PCT", "Sunderland PCT"]


def test_admin_rewords_a_question_without_changing_answered_assessments(page, people):
    accepted = workflow.start_assessment(pct=people["pct"], cycle=people["cycle"], user=people["board"])
    fill(accepted)
    assert workflow.submit(assessment=accepted, user=people["board"]) == []
    accept(accepted, people["reviewer"])
    original = Question.objects.get(number=1).text

    log_in(page, "ada", PASSWORD)
    visit(page, "/admin/competencies/question/1/change/")
    page.locator("#id_text").fill("Do you have a strategy for needs assessment data, agreed with partners?")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    check_accessibility(page)
    page.get_by_role("button", name="Log out").click()

    log_in(page, "alice", PASSWORD)
    visit(page, f"/assessments/{accepted.pk}/answers/")
    assert original in page.locator("#q1").inner_text()
    with page.expect_download() as download:
        page.goto(f"/assessments/{accepted.pk}/")
        page.get_by_role("link", name="Download the board report (PDF)").click()
    text = " ".join(pdf_text(download.value).split())
    assert " ".join(original.split()) in text and "agreed with partners" not in text

    later = Cycle.objects.create(start_year=2009)
    new = workflow.start_assessment(pct=people["pct"], cycle=later, user=people["board"])
    visit(page, f"/assessments/{new.pk}/answers/")
    assert "agreed with partners" in page.locator("#q1").inner_text()
