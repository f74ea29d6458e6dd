"""Deadlines in the browser: a reviewer sets their SHA's review deadline by
keyboard, through a refused date and its error summary; the PCT's task list
counts down to its submission deadline. axe-core on every page, at 1280 and 375 px."""

import datetime

import pytest
from django.utils import timezone
from django.utils.dateformat import format as format_date

from assessments import workflow
from assessments.models import SubmissionDeadline
from tests.browser.conftest import check_accessibility, log_in
from tests.browser.test_journeys import people  # noqa: F401 (a fixture)
from tests.conftest import PASSWORD, fill

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check_both_widths(page) -> None:
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        check_accessibility(page)


def test_a_reviewer_sets_the_review_deadline_and_the_queue_counts_down_to_it(page, people):  # noqa: F811
    SubmissionDeadline.objects.create(cycle=people["cycle"], due=datetime.date(2009, 3, 31))
    submitted = workflow.start_assessment(pct=people["pct"], cycle=people["cycle"], user=people["board"])
    fill(submitted)
    assert workflow.submit(assessment=submitted, user=people["board"]) == []
    log_in(page, "rita", PASSWORD)  # a reviewer lands on the review queue
    assert "Submitted late" in page.locator("#queue").inner_text()  # submitted today, long after 31 March 2009

    page.get_by_role("link", name="Set the review deadline for 2008/09").press("Enter")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Review deadline for 2008/09"
    assert "31 March 2009" in page.locator("#submission-deadline").inner_text()
    check_both_widths(page)

    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2008")
    page.get_by_role("button", name="Save the review deadline").press("Enter")
    page.wait_for_load_state()
    summary = page.locator(".nhsuk-error-summary")
    assert "The review deadline must be on or after 1 April 2008, when the 2008/09 cycle starts." in (
        summary.inner_text())
    assert page.title().startswith("Error: ")
    check_both_widths(page)
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "id_due_day"

    due = timezone.localdate() + datetime.timedelta(days=10)
    page.get_by_label("Day").fill(str(due.day))
    page.get_by_label("Month").fill(str(due.month))
    page.get_by_label("Year").fill(str(due.year))
    page.get_by_role("button", name="Save the review deadline").press("Enter")
    page.wait_for_load_state()

    main = page.locator("main").inner_text()
    assert f"The review deadline for 2008/09 is now {format_date(due, 'j F Y')}." in main
    assert f"Review due {format_date(due, 'j F Y')}: 10 days left" in page.locator("#queue").inner_text()
    assert format_date(due, "j F Y") in page.locator("#deadlines-table").inner_text()
    check_both_widths(page)


def test_the_task_list_counts_down_to_the_submission_deadline(page, people):  # noqa: F811
    due = timezone.localdate() + datetime.timedelta(days=5)
    SubmissionDeadline.objects.create(cycle=people["cycle"], due=due)
    draft = workflow.start_assessment(pct=people["pct"], cycle=people["cycle"], user=people["board"])
    log_in(page, "alice", PASSWORD)

    page.goto(f"/assessments/{draft.pk}/answers/")

    assert page.locator("#deadline").inner_text() == f"Due {format_date(due, 'j F Y')}: 5 days left"
    check_both_widths(page)
    page.goto("/assessments/")
    assert "5 days left" in page.locator("tbody").inner_text()
    check_both_widths(page)
