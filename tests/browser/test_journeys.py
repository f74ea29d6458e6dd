"""The four journeys people take through the product, in a real Chromium,
with axe-core's WCAG 2.2 A/AA rules on every page they visit."""

import datetime
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
from tests.conftest import PASSWORD, fill, make_person, run_tasks
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


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until ``selector`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def follow(page, key: str) -> None:
    """Press ``key`` and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press(key)


def check_at_widths(page) -> None:
    """axe-core on a laptop and on a phone."""
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        check_accessibility(page)


def test_board_member_answers_by_keyboard_and_submits(page, people):
    draft = workflow.start_assessment(pct=people["pct"], cycle=people["cycle"], user=people["board"])
    log_in(page, "alice", PASSWORD)
    check_accessibility(page)
    page.goto(f"/assessments/{draft.pk}/answers/")
    check_at_widths(page)

    # From the task list to the first competency, and its first question.
    tab_to(page, "a.nhsuk-task-list__link")
    follow(page, "Enter")
    first = page.locator(".app-question").first
    n = int(first.get_attribute("data-question"))
    competency = Question.objects.get(number=n).competency
    assert competency.short_title in page.locator("h1").inner_text()
    check_at_widths(page)

    # Yes with Space, then No with an arrow key; Tab into what "No" revealed.
    tab_to(page, f"#id_q{n}-value_0")
    page.keyboard.press("Space")
    expect_saved(page, n)
    page.keyboard.press("ArrowDown")
    expect(page.locator(f"#id_q{n}-value_1")).to_be_checked()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == f"id_q{n}-action"
    page.keyboard.type("Agree a data-sharing protocol with the council")
    assert leaving_is_questioned(page)  # typed, not yet saved
    page.keyboard.press("Tab")
    page.keyboard.type("Director of Public Health")
    for part in ("31", "3", "2009"):
        page.keyboard.press("Tab")
        page.keyboard.type(part)
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # the status: from open to in progress
    expect_saved(page, n)
    expect(page.locator("#progress-text")).to_have_text(re.compile(r"^1 of \d+ answered$"))
    answer = draft.answers.get(question__number=n)
    assert (answer.value, answer.action, answer.owner, answer.due_date, answer.action_status) == (
        "no", "Agree a data-sharing protocol with the council", "Director of Public Health",
        datetime.date(2009, 3, 31), "in_progress")

    tab_to(page, "button[name=return]")
    follow(page, "Enter")
    assert page.url.endswith(f"/answers/#competency-{competency.number}")
    expect(page.locator(f"#task-{competency.number}-status")).to_have_text("In progress")

    # The rest answered (quicker than 111 more in the browser), but one "No"
    # lacks its due date.
    gap = next(a for a in draft.answers.select_related("question__competency")
               if a.question.competency_id != competency.pk)
    draft.answers.exclude(question__number=n).update(value="yes")
    gap.value, gap.action, gap.owner = "no", "Set up a clinical network", "Medical Director"
    gap.save()
    page.reload()
    assert "You can submit once every competency is completed." in page.locator("main").inner_text()

    page.goto(f"/assessments/{draft.pk}/")
    tab_to(page, "form[action$='/submit/'] button")
    follow(page, "Enter")
    summary = page.locator(".nhsuk-error-summary")
    gap_number, gap_competency = gap.question.number, gap.question.competency
    expect(summary.locator("h3")).to_have_text(f"{gap_competency.number}. {gap_competency.short_title}")
    expect(summary.locator("a")).to_have_text(re.compile(rf"^Question {gap_number}: .*due date"))
    check_accessibility(page)

    # The summary has the focus: its link opens the question's page, in the
    # field, which shows its error.
    page.keyboard.press("Tab")
    follow(page, "Enter")
    assert "?check" in page.url
    field = page.locator(f"#div_id_q{gap_number}-due_date")
    expect(field).to_have_class(re.compile("nhsuk-form-group--error"))
    expect(field.locator(".nhsuk-error-message")).to_contain_text("due date")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(f"Question {gap_number}")
    assert page.evaluate("document.activeElement.id") == f"id_q{gap_number}-due_date_day"
    check_at_widths(page)
    page.keyboard.type("30")
    page.keyboard.press("Tab")
    page.keyboard.type("6")
    page.keyboard.press("Tab")
    page.keyboard.type("2009")
    page.keyboard.press("Tab")
    expect_saved(page, gap_number)
    expect(field).not_to_have_class(re.compile("nhsuk-form-group--error"))
    assert draft.answers.get(pk=gap.pk).due_date == datetime.date(2009, 6, 30)

    tab_to(page, "button[name=return]")
    follow(page, "Enter")
    expect(page.locator("#overall-progress")).to_contain_text("112 answered")
    tab_to(page, "form[action$='/submit/'] button")
    follow(page, "Enter")
    assert "has been submitted" in page.locator("main").inner_text()
    check_accessibility(page)
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.SUBMITTED


# Whether the page would ask before it is left: a change typed but not sent,
# or a save still under way (its beforeunload handler).
LEAVING_IS_QUESTIONED = (
    "() => { const e = new Event('beforeunload', {cancelable: true});"
    " window.dispatchEvent(e); return e.defaultPrevented; }"
)


def leaving_is_questioned(page) -> bool:
    return page.evaluate(LEAVING_IS_QUESTIONED)


def expect_saved(page, number):
    """Wait until question ``number`` says it is saved and nothing on the page
    is waiting to be saved (a later edit may still be saving behind it)."""
    try:
        page.wait_for_function(
            f"n => document.querySelector(`#q${{n}}-state`).textContent.includes('Saved')"
            f" && !({LEAVING_IS_QUESTIONED})()",
            arg=number,
            timeout=15_000,
        )
    except PlaywrightTimeoutError:
        state = page.evaluate(
            "n => [document.querySelector(`#q${n}-state`).textContent.trim(),"
            " document.querySelector('#page-save-status').textContent.trim()]",
            number,
        )
        raise AssertionError(f"Question {number} was not saved: {state}") from None


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
    visit(page, f"/assessments/{assessment.pk}/answers/competencies/5/")  # questions 1-6
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
    run_tasks()  # a worker renders the reports the acceptance queued
    original = Question.objects.get(number=1).text

    log_in(page, "ada", PASSWORD)
    visit(page, "/admin/competencies/question/1/change/")
    page.locator("#id_text").fill("Do you have a strategy for needs assessment data, agreed with partners?")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    check_accessibility(page)
    page.get_by_role("button", name="Log out").click()

    log_in(page, "alice", PASSWORD)
    visit(page, f"/assessments/{accepted.pk}/answers/competencies/5/")
    assert original in page.locator("#q1").inner_text()
    with page.expect_download() as download:
        page.goto(f"/assessments/{accepted.pk}/")
        page.get_by_role("link", name="Download the board report (PDF)").click()
    text = " ".join(pdf_text(download.value).split())
    assert " ".join(original.split()) in text and "agreed with partners" not in text

    later = Cycle.objects.create(start_year=2009)
    new = workflow.start_assessment(pct=people["pct"], cycle=later, user=people["board"])
    visit(page, f"/assessments/{new.pk}/answers/competencies/5/")
    assert "agreed with partners" in page.locator("#q1").inner_text()
