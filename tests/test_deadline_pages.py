"""Deadlines on the pages: the assessment list, the task list, the review
queue and the assessment's own page show the deadline that applies and the
days left, and mark late submissions; reviewers set their SHA's review
deadline on a page of their own."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from assessments import workflow
from assessments.models import Assessment, ReviewDeadline, SubmissionDeadline, Transition
from tests.conftest import fill, make_person
from tests.factories import CycleFactory, PctFactory, assessment_in

pytestmark = pytest.mark.django_db

QUEUE = reverse("assessments:review_queue")


def days_from_today(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def long(day: datetime.date) -> str:
    return format_date(day, "j F Y")


def first_submitted(assessment: Assessment, day: datetime.date) -> None:
    """As if it had been first submitted at noon on ``day``."""
    noon = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    Transition.objects.filter(assessment=assessment, to_status="submitted").update(at=noon)
    Assessment.objects.filter(pk=assessment.pk).update(submitted_at=noon)


def text(html: str) -> str:
    """The page's words, without tags, spaces run together."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def row_of(html: str, focus: str) -> str:
    """The words of the table row whose focus cell says ``focus``."""
    rows = re.findall(r'<tr class="nhsuk-table__row">(.*?)</tr>', html, re.S)
    return text(next(row for row in rows if f"Focus </span>{focus}<" in row))


@pytest.fixture
def due_in_12_days(cycle):
    return SubmissionDeadline.objects.create(cycle=cycle, due=days_from_today(12))


# The assessment list

def test_the_list_shows_the_deadline_and_days_left_and_late_submissions(
        client, board_member, reviewer, pct, cycle, draft, due_in_12_days):
    late = assessment_in("submitted", pct=pct, cycle=cycle, board=board_member, reviewer=reviewer, focus="Late")
    first_submitted(late, days_from_today(13))  # the day after the deadline
    on_time = assessment_in("accepted", pct=pct, cycle=cycle, board=board_member, reviewer=reviewer, focus="Kept")
    first_submitted(on_time, days_from_today(12))
    client.force_login(board_member)

    html = client.get(reverse("assessments:list")).text

    assert f"Due {long(days_from_today(12))}: 12 days left" in row_of(html, "Whole organisation")
    assert "Submitted late" in row_of(html, "Late") and "Submitted late" not in row_of(html, "Kept")
    assert '<strong class="nhsuk-tag nhsuk-tag--orange">Submitted late</strong>' in html
    assert "Due " not in row_of(html, "Kept")  # accepted: nothing is due


def test_an_overdue_draft_says_by_how_many_days_in_a_red_tag(client, board_member, cycle, draft):
    SubmissionDeadline.objects.create(cycle=cycle, due=days_from_today(-3))
    client.force_login(board_member)

    html = client.get(reverse("assessments:list")).text

    overdue = '<strong class="nhsuk-tag nhsuk-tag--red">Overdue by 3 days</strong>'
    assert f"Due {long(days_from_today(-3))}: {overdue}" in html


def test_the_shas_own_deadline_is_the_one_its_pcts_see(client, board_member, sha, cycle, draft, due_in_12_days):
    SubmissionDeadline.objects.create(cycle=cycle, sha=sha, due=days_from_today(5))
    client.force_login(board_member)

    html = client.get(reverse("assessments:list")).text

    assert (f'Due {long(days_from_today(5))}: <strong class="nhsuk-tag nhsuk-tag--yellow">5 days left</strong>'
            in html)
    assert long(days_from_today(12)) not in html


def test_the_list_query_count_stays_the_same_with_deadlines(client, board_member, reviewer, pct, cycle, draft,
                                                            sha, due_in_12_days, django_assert_num_queries):
    SubmissionDeadline.objects.create(cycle=cycle, sha=sha, due=days_from_today(20))
    ReviewDeadline.objects.create(cycle=cycle, sha=sha, due=days_from_today(40))
    client.force_login(board_member)
    # session, user, membership, assessments with their counts and deadlines,
    # the cycles for the start form and the PCT's assessments each would start from
    with django_assert_num_queries(6):
        client.get(reverse("assessments:list"))
    for focus in ("One", "Two", "Three"):
        assessment_in("submitted", pct=pct, cycle=cycle, board=board_member, reviewer=reviewer, focus=focus)
    with django_assert_num_queries(6):
        html = client.get(reverse("assessments:list")).text
    assert html.count(f"Review due {long(days_from_today(40))}") == 3


# The task list and the assessment's page

def test_the_task_list_shows_the_deadline_while_the_pct_answers(client, board_member, draft, due_in_12_days,
                                                               django_assert_num_queries):
    client.force_login(board_member)
    url = reverse("assessments:tasks", args=[draft.pk])
    # session, user, membership, the assessment with its previous one, the
    # answers as plain values, competencies with themes, whom each is given
    # to; the submission deadline (a small query: cheaper than the
    # subqueries that lists use; the review deadline is not shown to a draft)
    with django_assert_num_queries(8):
        html = client.get(url).text

    deadline = html[html.index('<p id="deadline">'):]
    assert text(deadline[:deadline.index("</p>")]).strip() == f"Due {long(days_from_today(12))}: 12 days left"


def test_the_task_list_says_nothing_of_deadlines_when_none_is_set(client, board_member, draft):
    client.force_login(board_member)

    html = client.get(reverse("assessments:tasks", args=[draft.pk])).text

    assert 'id="deadline"' not in html and "days left" not in html


def test_the_assessments_page_shows_both_deadlines_and_marks_a_late_submission(
        client, board_member, reviewer, sha, cycle, submitted, due_in_12_days, django_assert_num_queries):
    ReviewDeadline.objects.create(cycle=cycle, sha=sha, due=days_from_today(30))
    first_submitted(submitted, days_from_today(14))
    client.force_login(board_member)
    url = reverse("assessments:detail", args=[submitted.pk])
    # session, user, membership, the assessment, its submission and review
    # deadlines and first submission, progress, competencies, transitions
    # with who, evidence (no reviews: under review)
    with django_assert_num_queries(11):
        html = client.get(url).text

    assert f"Submission deadline {long(days_from_today(12))}" in text(html)
    assert f"Review deadline {long(days_from_today(30))}: 30 days left" in text(html)
    submitted_row = html[html.index('id="submitted"'):]
    assert "Submitted late" in submitted_row[:submitted_row.index("</div>")]


def test_a_drafts_page_counts_down_to_its_submission_deadline(client, board_member, draft, due_in_12_days):
    client.force_login(board_member)

    html = text(client.get(reverse("assessments:detail", args=[draft.pk])).text)

    assert f"Submission deadline {long(days_from_today(12))}: 12 days left" in html
    assert "Submitted late" not in html and "Review deadline" not in html


def test_a_page_shown_after_a_refused_submission_still_shows_the_deadline(client, board_member, draft,
                                                                         due_in_12_days):
    client.force_login(board_member)

    response = client.post(reverse("assessments:submit", args=[draft.pk]))

    assert response.status_code == 400
    assert f"Submission deadline {long(days_from_today(12))}: 12 days left" in text(response.text)


# The review queue

def test_the_queue_counts_down_to_the_review_deadline_and_marks_late_submissions(
        client, board_member, reviewer, pct, sha, cycle, due_in_12_days):
    ReviewDeadline.objects.create(cycle=cycle, sha=sha, due=days_from_today(6))
    waiting = assessment_in("submitted", pct=pct, cycle=cycle, board=board_member, reviewer=reviewer,
                            focus="Waiting")
    late = assessment_in("returned", pct=pct, cycle=cycle, board=board_member, reviewer=reviewer, focus="Late")
    first_submitted(late, days_from_today(15))
    client.force_login(reviewer)

    html = client.get(QUEUE).text

    assert f"Review due {long(days_from_today(6))}: 6 days left" in row_of(html, "Waiting")
    assert "Submitted late" not in row_of(html, "Waiting")
    assert "Submitted late" in row_of(html, "Late") and "Review due" not in row_of(html, "Late")
    assert waiting.pk  # the row above is this one


def test_the_queue_lists_the_shas_deadlines_with_a_link_to_set_the_review_deadline(
        client, reviewer, sha, cycle, due_in_12_days):
    later = CycleFactory(start_year=2009)
    ReviewDeadline.objects.create(cycle=later, sha=sha, due=datetime.date(2010, 6, 30))
    client.force_login(reviewer)

    html = client.get(QUEUE).text

    table = html[html.index('id="deadlines-table"'):]
    assert ("Cycle 2009/10 Submission deadline None set Review deadline 30 June 2010 "
            "Change the review deadline for 2009/10") in text(table)
    assert (f"Cycle 2008/09 Submission deadline {long(days_from_today(12))} Review deadline None set "
            "Set the review deadline for 2008/09") in text(table)
    assert f'href="{reverse("assessments:review_deadline", args=[sha.pk, later.pk])}"' in table


def test_an_admins_queue_links_to_the_deadlines_in_the_admin(client, admin_user):
    client.force_login(admin_user)

    html = client.get(QUEUE).text

    assert f'href="{reverse("admin:assessments_submissiondeadline_changelist")}"' in html
    assert 'id="deadlines-table"' not in html


def test_the_queue_query_count_is_constant_with_deadlines(client, reviewer, board_member, pct, sha, cycle,
                                                         due_in_12_days, django_assert_num_queries):
    ReviewDeadline.objects.create(cycle=cycle, sha=sha, due=days_from_today(30))
    assessment_in("submitted", pct=pct, cycle=cycle, board=board_member, reviewer=reviewer, focus="First")
    client.force_login(reviewer)
    # session, user, membership, the cycles for the filter, the counts per
    # status, the assessments with their PCT, SHA, cycle, last return and
    # deadlines, the SHA's deadlines per cycle
    with django_assert_num_queries(7):
        client.get(QUEUE)
    other = PctFactory(code="5ZZ", sha=sha)
    board = make_person("zed.board", other, "board_member")
    for n, status in enumerate(["submitted", "returned", "accepted"]):
        assessment_in(status, pct=other, cycle=cycle, board=board, reviewer=reviewer, focus=f"More {n}")
    with django_assert_num_queries(7):
        html = client.get(QUEUE).text
    assert html.count(f"Review due {long(days_from_today(30))}") == 2


# Setting the review deadline

def review_deadline_url(sha, cycle) -> str:
    return reverse("assessments:review_deadline", args=[sha.pk, cycle.pk])


def date_data(day: str, month: str, year: str) -> dict:
    return {"due_day": day, "due_month": month, "due_year": year}


def test_a_reviewer_sets_the_review_deadline_with_the_nhsuk_date_input(client, reviewer, sha, cycle,
                                                                       due_in_12_days):
    client.force_login(reviewer)
    url = review_deadline_url(sha, cycle)

    page = client.get(url).text

    assert "<h1>Review deadline for 2008/09</h1>" in page
    assert f"The PCTs' submission deadline for 2008/09 is <strong>{long(days_from_today(12))}</strong>" in page
    assert '<fieldset class="nhsuk-fieldset"' in page
    for part in ("day", "month", "year"):
        assert f'name="due_{part}"' in page
    response = client.post(url, date_data("30", "6", "2009"))
    assert response.status_code == 302 and response["Location"] == QUEUE + "#deadlines"
    deadline = ReviewDeadline.objects.get()
    assert (deadline.sha, deadline.cycle, deadline.due, deadline.set_by) == (
        sha, cycle, datetime.date(2009, 6, 30), reviewer)
    followed = client.get(QUEUE).text
    assert "The review deadline for 2008/09 is now 30 June 2009." in followed
    assert 'value="30"' in client.get(url).text  # shown again to change


@pytest.mark.parametrize(("data", "message"), [
    (date_data("1", "3", "2008"),
     "The review deadline must be on or after 1 April 2008, when the 2008/09 cycle starts."),
    (date_data("31", "2", "2009"), "Review deadline must be a real date"),
    (date_data("30", "", "2009"), "Review deadline must include a month"),
    (date_data("1", "1", "2101"), "Review deadline must be in 2100 or earlier"),
    (date_data("1", "1", "1999"),
     "The review deadline must be on or after 1 April 2008, when the 2008/09 cycle starts."),
])
def test_a_deadline_that_cannot_be_is_refused_at_its_field(client, reviewer, sha, cycle, data, message):
    client.force_login(reviewer)

    response = client.post(review_deadline_url(sha, cycle), data)

    assert response.status_code == 400
    html = response.text
    assert "<title>Error: " in html and html.count("There is a problem") == 1
    assert html.index("There is a problem") < html.index("<h1>")  # at the top of the page
    assert f'<a href="#id_due_day">{message}</a>' in html.replace("&#x27;", "'")
    assert 'class="nhsuk-form-group nhsuk-form-group--error"' in html
    assert f'value="{data["due_day"]}"' in html  # what was typed, shown again
    assert not ReviewDeadline.objects.exists()


def test_leaving_it_empty_removes_the_review_deadline(client, reviewer, sha, cycle):
    ReviewDeadline.objects.create(cycle=cycle, sha=sha, due=datetime.date(2009, 6, 30))
    client.force_login(reviewer)

    response = client.post(review_deadline_url(sha, cycle), date_data("", "", ""))

    assert response.status_code == 302
    assert not ReviewDeadline.objects.exists()
    assert "2008/09 has no review deadline now." in client.get(QUEUE).text


def test_only_the_shas_reviewers_reach_its_review_deadline(client, sha, other_sha, cycle, reviewer, other_reviewer,
                                                           board_member, other_sha_pct, admin_user, pct):
    url = review_deadline_url(sha, cycle)
    outsider = make_person("brent.board", other_sha_pct, "board_member")
    for person, status in [(other_reviewer, 404), (outsider, 404), (board_member, 403), (admin_user, 403),
                           (reviewer, 200)]:
        client.force_login(person)
        assert client.get(url).status_code == status, person
        assert client.post(url, date_data("30", "6", "2009")).status_code == (302 if status == 200 else status)
    client.force_login(reviewer)
    assert client.get(review_deadline_url(other_sha, cycle)).status_code == 404
    assert client.get(reverse("assessments:review_deadline", args=[pct.pk, cycle.pk])).status_code == 404
    assert client.get(reverse("assessments:review_deadline", args=[sha.pk, 999999])).status_code == 404
    assert ReviewDeadline.objects.get().set_by == reviewer


def test_the_review_deadline_page_query_count(client, reviewer, sha, cycle, django_assert_num_queries):
    client.force_login(reviewer)
    # session, user, membership with the SHA, every cycle with the SHA's deadlines
    with django_assert_num_queries(4):
        client.get(review_deadline_url(sha, cycle))


def test_a_late_resubmission_is_not_marked_late(client, board_member, reviewer, cycle, submitted):
    SubmissionDeadline.objects.create(cycle=cycle, due=days_from_today(-10))
    first_submitted(submitted, days_from_today(-20))
    workflow.return_to_pct(assessment=submitted, user=reviewer, comment="Look again at question 3.")
    fill(submitted)
    assert workflow.submit(assessment=submitted, user=board_member) == []
    client.force_login(board_member)

    html = client.get(reverse("assessments:detail", args=[submitted.pk])).text

    assert "Submitted late" not in html
